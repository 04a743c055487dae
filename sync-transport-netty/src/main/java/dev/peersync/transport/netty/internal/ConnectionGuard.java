package dev.peersync.transport.netty.internal;

import dev.peersync.core.LogLimiter;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every pipeline: the one place where a connection ends because of the peer. A protocol
 * violation (bad frame, unknown type, bad proof, slowloris, idle) is logged, counted, answered with a REJECT
 * frame naming the reason, and the connection is closed; only this connection, the node keeps serving the
 * others. I/O errors (peer reset) close quietly. Also counts connections. One instance per channel.
 */
public final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    /** Give the REJECT frame this long to leave before closing anyway. */
    private static final long REJECT_FLUSH_MILLIS = 500;
    /**
     * Refusals are logged at most 20 per 10 s per reason per JVM; the counters in TransportStats see every one.
     * Per reason, so that a flood of garbage cannot hide failed key exchanges (someone guessing the secret).
     */
    private static final LogLimiter LOG_LIMIT = new LogLimiter(log, 20, Duration.ofSeconds(10));

    private final TransportStats stats;
    private final boolean inbound;
    private boolean closing;

    public ConnectionGuard(TransportStats stats, boolean inbound) {
        this.stats = stats;
        this.inbound = inbound;
    }

    /** The peer sent REJECT: log its reason (the operator needs it), count, remember it, close. */
    static void peerRejected(ChannelHandlerContext ctx, Bodies.Reject reject, TransportStats stats) {
        String reason = "refused by peer: " + reject.reason() + ": " + reject.message();
        if (logLine(reject.reason()) >= 0) {
            log.warn("Peer {} {}", ctx.channel().remoteAddress(), reason);
        }
        stats.rejectedByPeer(reject.reason());
        ctx.channel().attr(ChannelAttributes.CLOSE_REASON).set(reason);
        ctx.close();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        stats.connectionOpened(inbound);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stats.connectionClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Frame frame && frame.type() == MessageType.REJECT) {
                peerRejected(ctx, frame.body(Bodies.Reject.class), stats);
            } else {
                reject(ctx, RejectReason.PROTOCOL_ERROR, "unexpected message " + describe(msg));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            reject(ctx, RejectReason.IDLE, "nothing received for too long");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolViolationException violation) {
            reject(ctx, violation.reason(), violation.getMessage());
        } else if (root instanceof TooLongFrameException) {
            reject(ctx, RejectReason.FRAME_TOO_LARGE, root.getMessage());
        } else if (root instanceof CorruptedFrameException || root instanceof DecoderException) {
            reject(ctx, RejectReason.PROTOCOL_ERROR, root.getMessage());
        } else if (root instanceof IOException) {
            log.debug("Connection {} failed: {}", ctx.channel().remoteAddress(), root.toString());
            ctx.close();
        } else {
            log.warn("Closing connection {} after an unexpected error", ctx.channel().remoteAddress(), root);
            ctx.close();
        }
    }

    /** Counts, tells the peer why (best effort), closes. Only the first reason of a connection counts. */
    private void reject(ChannelHandlerContext ctx, RejectReason reason, String message) {
        if (closing) {
            return;
        }
        closing = true;
        stats.rejected(reason);
        String text = message == null ? "" : message.length() > 500 ? message.substring(0, 500) + "..." : message;
        int suppressed = logLine(reason);
        if (suppressed >= 0) {
            log.warn("Closing connection {}: {}: {}{}", ctx.channel().remoteAddress(), reason, text,
                    suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
        } else {
            log.debug("Closing connection {}: {}: {}", ctx.channel().remoteAddress(), reason, text);
        }
        ctx.channel().attr(ChannelAttributes.CLOSE_REASON).set(reason + ": " + text);
        if (!ctx.channel().isActive()) {
            ctx.close();
            return;
        }
        ctx.channel().config().setAutoRead(false);
        ctx.channel().writeAndFlush(Frame.oneWay(MessageType.REJECT, new Bodies.Reject(reason, text)))
                .addListener(ChannelFutureListener.CLOSE);
        // A peer that does not read must not keep the connection open through an unsent REJECT.
        ctx.executor().schedule(() -> ctx.close(), REJECT_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static int logLine(RejectReason reason) {
        return LOG_LIMIT.tryAcquire(reason == null ? RejectReason.PROTOCOL_ERROR : reason);
    }

    private static String describe(Object msg) {
        return msg instanceof Frame frame ? frame.type() + " #" + frame.requestId() : msg.getClass().getSimpleName();
    }
}
