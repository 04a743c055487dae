package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerUnavailableException;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's requests on a connection: sends requests with fresh ids and completes each one's future with the reply
 * carrying its id, or with {@link PeerUnavailableException} on timeout, on an ERROR reply, or when the
 * connection drops. A reply with an id never issued, or of the wrong type for its request, is a protocol
 * error that closes the connection; a late reply to a request that already timed out is ignored. Sends a PING
 * when nothing was written for a while, so both sides' idle detection sees traffic. Also owns the handshake
 * future of the connection. All state is touched on the event loop only. One instance per channel.
 */
public final class ResponseCorrelator extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ResponseCorrelator.class);
    static final int MAX_IN_FLIGHT = 1024;
    private static final int REMEMBERED_TIMEOUTS = 256;

    private final Duration requestTimeout;
    private final TransportStats stats;
    private final CompletableFuture<NodeHello> handshake = new CompletableFuture<>();
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final LinkedHashSet<Integer> timedOut = new LinkedHashSet<>();
    private ChannelHandlerContext ctx;
    private int lastId;

    public ResponseCorrelator(Duration requestTimeout, TransportStats stats) {
        this.requestTimeout = requestTimeout;
        this.stats = stats;
    }

    /** A reply and how long after the request was written it arrived. */
    public record Reply(Frame frame, long roundTripNanos) {
    }

    private record Pending(MessageType type, CompletableFuture<Reply> future, long sentNanos,
                           ScheduledFuture<?> timeout) {
    }

    /** Completes with the peer's hello once the handshake is done; fails when the connection closes first. */
    public CompletableFuture<NodeHello> handshake() {
        return handshake;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Sends a request; callable from any thread. The future completes on the event loop. */
    public CompletableFuture<Reply> request(MessageType type, Object body) {
        if (type.kind() != MessageType.Kind.REQUEST) {
            throw new IllegalArgumentException("type must be a request type, got: " + type);
        }
        CompletableFuture<Reply> future = new CompletableFuture<>();
        Channel channel = ctx.channel();
        channel.eventLoop().execute(() -> send(type, body, future));
        return future;
    }

    private void send(MessageType type, Object body, CompletableFuture<Reply> future) {
        Channel channel = ctx.channel();
        if (!channel.isActive() || !handshake.isDone() || handshake.isCompletedExceptionally()) {
            future.completeExceptionally(new PeerUnavailableException("connection to " + channel.remoteAddress()
                    + " is not open"));
            return;
        }
        if (pending.size() >= MAX_IN_FLIGHT) {
            future.completeExceptionally(new PeerUnavailableException(MAX_IN_FLIGHT + " requests to "
                    + channel.remoteAddress() + " are already waiting for answers; try again later"));
            return;
        }
        int id = nextId();
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> timedOut(id), requestTimeout.toNanos(),
                TimeUnit.NANOSECONDS);
        pending.put(id, new Pending(type, future, System.nanoTime(), timeout));
        ctx.writeAndFlush(new Frame(type, id, body)).addListener(written -> {
            if (!written.isSuccess()) {
                fail(id, new PeerUnavailableException("could not send " + type + " to " + channel.remoteAddress()
                        + ": " + written.cause().getMessage(), written.cause()));
            }
        });
    }

    private int nextId() {
        do {
            lastId++;
        } while (lastId == 0 || pending.containsKey(lastId));
        return lastId;
    }

    private void timedOut(int id) {
        Pending p = pending.remove(id);
        if (p != null) {
            stats.requestTimedOut();
            timedOut.add(id);
            if (timedOut.size() > REMEMBERED_TIMEOUTS) {
                timedOut.remove(timedOut.iterator().next());
            }
            p.future().completeExceptionally(new PeerUnavailableException(p.type() + " #" + id + " to "
                    + ctx.channel().remoteAddress() + " got no answer within " + requestTimeout));
        }
    }

    private void fail(int id, PeerUnavailableException cause) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.timeout().cancel(false);
            p.future().completeExceptionally(cause);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame frame = (Frame) msg;
        if (frame.type().kind() != MessageType.Kind.RESPONSE) {
            ctx.fireChannelRead(msg); // requests go on to the dispatcher, REJECT and the rest to ConnectionGuard
            return;
        }
        ReferenceCountUtil.release(msg);
        Pending p = pending.remove(frame.requestId());
        if (p == null) {
            if (timedOut.remove(frame.requestId())) {
                log.debug("Late {} #{} from {} ignored: the request had timed out", frame.type(), frame.requestId(),
                        ctx.channel().remoteAddress());
                return;
            }
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR,
                    frame.type() + " answers request #" + frame.requestId() + " which was never sent");
        }
        p.timeout().cancel(false);
        long rtt = System.nanoTime() - p.sentNanos();
        if (frame.type() == MessageType.ERROR) {
            p.future().completeExceptionally(new PeerUnavailableException(p.type() + " to "
                    + ctx.channel().remoteAddress() + " failed: " + frame.body(Bodies.ErrorReply.class).message()));
        } else if (frame.type() != p.type().replyType()) {
            p.future().completeExceptionally(new PeerUnavailableException(p.type() + " #" + frame.requestId()
                    + " was answered with " + frame.type()));
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, p.type() + " #" + frame.requestId()
                    + " answered with " + frame.type());
        } else {
            p.future().complete(new Reply(frame, rtt));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleted completed) {
            handshake.complete(completed.peer());
        } else if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE && handshake.isDone()) {
            request(MessageType.PING, Bodies.Empty.INSTANCE).whenComplete((reply, error) -> {
                if (error != null) {
                    log.debug("Keep-alive ping to {} failed: {}", ctx.channel().remoteAddress(), error.getMessage());
                }
            });
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        String reason = ctx.channel().attr(ChannelAttributes.CLOSE_REASON).get();
        String message = "connection to " + ctx.channel().remoteAddress() + " closed"
                + (reason == null ? "" : " (" + reason + ")");
        handshake.completeExceptionally(new PeerUnavailableException(message));
        for (Pending p : pending.values()) {
            p.timeout().cancel(false);
            p.future().completeExceptionally(new PeerUnavailableException(p.type() + ": " + message));
        }
        pending.clear();
        super.channelInactive(ctx);
    }
}
