package dev.peersync.transport.netty.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the peer's requests on a connection, after the handshake, from the
 * {@link LocalSyncService}, on the service executor (database calls never run on the event loop).
 *
 * <p>Flow control: requests of one connection are answered one at a time, in order, and the next one is
 * started only while the channel is writable (outbound buffer below the high water mark). A peer that sends
 * requests but does not read the answers therefore fills at most one answer plus the high water mark; then
 * up to {@link #MAX_QUEUED} requests wait here, reading from the socket stops, and TCP pushes back on the
 * peer. Pushes are coalesced: at most one "changes available" call is pending per connection.
 * One instance per channel.
 */
public final class RequestDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    static final int MAX_QUEUED = 16;

    private final LocalSyncService service;
    private final Executor executor;
    private final ServingLimits limits;
    private final TransportStats stats;
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private NodeId peer;
    private boolean busy;
    private boolean pushPending;

    public RequestDispatcher(LocalSyncService service, Executor executor, int maxRowsPerBatch, TransportStats stats) {
        this.service = service;
        this.executor = executor;
        this.limits = new ServingLimits(maxRowsPerBatch);
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleted completed) {
            peer = completed.peer().nodeId();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame frame = (Frame) msg;
        if (peer == null) {
            ReferenceCountUtil.release(msg);
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, frame.type() + " before handshake");
        }
        switch (frame.type().kind()) {
            case REQUEST -> enqueue(frame);
            case ONE_WAY -> onPush();
            default -> ctx.fireChannelRead(msg); // REJECT is handled, anything else refused, by ConnectionGuard
        }
    }

    private void enqueue(Frame frame) {
        queue.add(frame);
        if (queue.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
        drain();
    }

    private void onPush() {
        if (pushPending) {
            return;
        }
        pushPending = true;
        NodeId from = peer;
        try {
            executor.execute(() -> {
                try {
                    ctx.executor().execute(() -> pushPending = false);
                    service.changesAvailable(from);
                } catch (RuntimeException e) {
                    log.warn("changesAvailable({}) failed", from, e);
                }
            });
        } catch (RejectedExecutionException e) {
            pushPending = false;
            log.debug("Push from {} dropped: transport is stopping", from);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        drain();
        super.channelWritabilityChanged(ctx);
    }

    /** Starts the next request when idle and writable. Runs on the event loop. */
    private void drain() {
        if (busy || queue.isEmpty() || !ctx.channel().isWritable() || !ctx.channel().isActive()) {
            return;
        }
        Frame request = queue.poll();
        if (queue.size() < MAX_QUEUED / 2) {
            ctx.channel().config().setAutoRead(true);
        }
        if (request.type() == MessageType.PING) {
            reply(request, new Frame(MessageType.PONG, request.requestId(), Bodies.Empty.INSTANCE));
            return;
        }
        busy = true;
        try {
            executor.execute(() -> {
                Frame answer = answer(request);
                try {
                    ctx.executor().execute(() -> {
                        busy = false;
                        reply(request, answer);
                    });
                } catch (RejectedExecutionException e) {
                    // The event loop stopped while the answer was computed: its connection is gone with it.
                    log.debug("Answer to {} #{} from {} dropped: transport is stopping", request.type(),
                            request.requestId(), peer);
                }
            });
        } catch (RejectedExecutionException e) {
            busy = false;
            reply(request, error(request, "node is shutting down"));
        }
    }

    private void reply(Frame request, Frame answer) {
        stats.requestServed();
        ctx.writeAndFlush(answer).addListener(written -> {
            if (!written.isSuccess() && written.cause() instanceof EncoderException && ctx.channel().isActive()) {
                // Typically: the answer exceeds the maximum frame size. Say so instead of leaving the peer waiting.
                log.warn("Could not send {} #{} to {}: {}", answer.type(), answer.requestId(), peer,
                        written.cause().getMessage());
                ctx.writeAndFlush(error(request, "answer could not be sent: " + written.cause().getMessage()
                        + "; ask for fewer rows"));
            }
        });
        drain();
    }

    /** Calls the service; runs on the service executor. */
    private Frame answer(Frame request) {
        MessageType type = request.type();
        try {
            if (type.replyType() == null) {
                return error(request, "not a request: " + type);
            }
            PeerRequest<?> asked = limits.apply((PeerRequest<?>) type.fromWire(request.body()));
            return new Frame(type.replyType(), request.requestId(), type.replyType().toWire(service.serve(peer, asked)));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // The peer asked for something that does not exist or is out of bounds: its mistake, not ours.
            log.warn("Refused {} #{} from {}: {}", type, request.requestId(), peer, e.getMessage());
            return error(request, type + " refused by the serving node: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Serving {} #{} for {} failed", type, request.requestId(), peer, e);
            return error(request, type + " failed on the serving node: " + e.getMessage());
        }
    }

    private static Frame error(Frame request, String message) {
        return new Frame(MessageType.ERROR, request.requestId(), new Bodies.ErrorReply(message));
    }
}
