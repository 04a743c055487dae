package dev.peersync.transport.netty.internal;

import dev.peersync.core.LogLimiter;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protected mode (Redis's idea): a node without a cluster secret talks to peers on its own host only. A
 * connection whose other end is not a loopback address is refused before the handshake, so the stranger learns
 * nothing (not even the cluster id or schema fingerprint of a HELLO): it gets one REJECT frame saying how to open
 * up, the refusal is counted and logged (rate-limited), and the connection is closed. Applies to accepted and
 * dialled connections alike. Sits after the codec so the REJECT is framed. One instance per channel.
 */
public final class LoopbackPeersOnly extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(LoopbackPeersOnly.class);
    private static final LogLimiter LOG_LIMIT = new LogLimiter(log, 10, java.time.Duration.ofSeconds(10));
    private static final long REJECT_FLUSH_MILLIS = 500;
    static final String MESSAGE = "this node has no CLUSTER_SECRET, so it syncs with peers on its own host only "
            + "(protected mode); set the same CLUSTER_SECRET (e.g. `openssl rand -base64 48`) on every node to sync "
            + "across hosts";

    private final TransportStats stats;
    private final boolean inbound;
    private boolean refused;

    public LoopbackPeersOnly(TransportStats stats, boolean inbound) {
        this.stats = stats;
        this.inbound = inbound;
    }

    /** True when {@code address} is on this host (127.0.0.0/8 or ::1). */
    static boolean isLoopback(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (isLoopback(remote)) {
            ctx.pipeline().remove(this);
            super.channelActive(ctx);
            return;
        }
        // Not propagated: no HELLO is sent. Counted here since the guard does not see it open (it sees it close).
        refused = true;
        stats.connectionOpened(inbound);
        stats.rejected(RejectReason.REMOTE_WITHOUT_SECRET);
        int suppressed = LOG_LIMIT.tryAcquire(RejectReason.REMOTE_WITHOUT_SECRET);
        if (suppressed >= 0) {
            log.warn("Refused P2P connection with {}: {}{}", remote, MESSAGE,
                    suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
        }
        ctx.channel().attr(ChannelAttributes.CLOSE_REASON).set(RejectReason.REMOTE_WITHOUT_SECRET + ": " + MESSAGE);
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Frame.oneWay(MessageType.REJECT, new Bodies.Reject(RejectReason.REMOTE_WITHOUT_SECRET,
                MESSAGE))).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> ctx.close(), REJECT_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

}
