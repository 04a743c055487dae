package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.PeerUnavailableException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one peer, shared by every request: the one the peer opened to us if there is one (see
 * {@link #adopt}), else one this client opens on first use. After an established
 * connection drops it reconnects in the background with exponential backoff and jitter; while a reconnect is
 * pending, requests fail at once with {@link PeerUnavailableException} instead of piling up. Futures are
 * completed on the callback executor, never on the event loop, so callers may block or hit the database in
 * their continuations.
 */
public final class NettyPeerClient implements PeerClient {
    private static final Logger log = LoggerFactory.getLogger(NettyPeerClient.class);

    private final PeerAddress address;
    private final Bootstrap bootstrap;
    private final EventLoopGroup scheduler;
    private final Executor callbacks;
    private final Backoff backoff;

    // Guarded by this. The connection this client dialled, and one the peer dialled to us (adopted).
    private Channel channel;
    private ResponseCorrelator correlator;
    private NodeHello peerHello;
    private Channel adoptedChannel;
    private ResponseCorrelator adoptedCorrelator;
    private NodeHello adoptedHello;
    /** Set by renewHandshake until its close is seen: no backoff for that reconnection. */
    private boolean renewing;
    private CompletableFuture<ResponseCorrelator> connecting;
    private long nextAttemptNanos;
    private String lastFailure = "never connected";
    private boolean everConnected;
    private boolean closed;
    private ScheduledFuture<?> reconnectTask;

    public NettyPeerClient(PeerAddress address, Bootstrap bootstrap, EventLoopGroup scheduler, Executor callbacks,
                           Backoff backoff) {
        this.address = Objects.requireNonNull(address, "address");
        this.bootstrap = bootstrap;
        this.scheduler = scheduler;
        this.callbacks = callbacks;
        this.backoff = backoff;
    }

    @Override
    public PeerAddress address() {
        return address;
    }

    @Override
    public CompletableFuture<NodeHello> hello() {
        return handOff(connection().thenApply(c -> c.handshake().join()));
    }

    @Override
    @SuppressWarnings("unchecked") // the reply type of a request's message carries that request's answer type
    public <R> CompletableFuture<R> call(PeerRequest<R> request) {
        MessageType type = MessageType.forRequest(request.getClass());
        if (type == null) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(
                    "the Netty transport has no message for " + request.getClass().getSimpleName()));
        }
        return call(type, type.toWire(request), reply -> (R) type.replyType().fromWire(reply.frame().body()));
    }

    @Override
    public CompletableFuture<Duration> ping() {
        return call(MessageType.PING, Bodies.Empty.INSTANCE, reply -> Duration.ofNanos(reply.roundTripNanos()));
    }

    @Override
    public void notifyChanges() {
        Channel ch;
        synchronized (this) {
            ch = ownOpen() ? channel : adoptedOpen() ? adoptedChannel : null;
        }
        // A hint only: dropped when not connected or when the peer is not reading (it will pull on its timer).
        if (ch != null && ch.isActive() && ch.isWritable()) {
            ch.writeAndFlush(Frame.oneWay(MessageType.PUSH, Bodies.Empty.INSTANCE));
        }
    }

    @Override
    public synchronized boolean isConnected() {
        return ownOpen() || adoptedOpen();
    }

    /** The handshake of the current connection, or {@code null} when not connected. */
    public synchronized NodeHello peerHello() {
        return ownOpen() ? peerHello : adoptedOpen() ? adoptedHello : null;
    }

    private boolean ownOpen() {
        return correlator != null && channel.isActive();
    }

    private boolean adoptedOpen() {
        return adoptedCorrelator != null && adoptedChannel.isActive();
    }

    /**
     * The peer dialled us: use that connection for our requests too while we have none of our own, instead
     * of opening a second one. Not reconnected by us when it drops; the peer redials, or we dial on demand.
     */
    public void adopt(Channel ch, ResponseCorrelator c, NodeHello hello) {
        synchronized (this) {
            if (closed) {
                return;
            }
            adoptedChannel = ch;
            adoptedCorrelator = c;
            adoptedHello = hello;
        }
        log.debug("Requests to peer {} ({}) may use the connection it opened to us", address, hello.nodeId());
        ch.closeFuture().addListener(f -> {
            synchronized (this) {
                if (adoptedChannel == ch) {
                    adoptedChannel = null;
                    adoptedCorrelator = null;
                    adoptedHello = null;
                }
            }
        });
    }

    private <T> CompletableFuture<T> call(MessageType type, Object body, Function<ResponseCorrelator.Reply, T> map) {
        return handOff(connection().thenCompose(c -> c.request(type, body)).thenApply(map));
    }

    /** The open connection, or a connect attempt; fails fast while a reconnect backoff is running. */
    private CompletableFuture<ResponseCorrelator> connection() {
        CompletableFuture<ResponseCorrelator> attempt;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new PeerUnavailableException("client for " + address
                        + " is closed"));
            }
            if (ownOpen()) {
                return CompletableFuture.completedFuture(correlator);
            }
            if (adoptedOpen()) {
                return CompletableFuture.completedFuture(adoptedCorrelator);
            }
            if (connecting != null) {
                return connecting;
            }
            long waitNanos = nextAttemptNanos - System.nanoTime();
            if (waitNanos > 0) {
                return CompletableFuture.failedFuture(new PeerUnavailableException("not connected to " + address
                        + " (" + lastFailure + "); next attempt in " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms"));
            }
            attempt = new CompletableFuture<>();
            connecting = attempt;
        }
        ChannelFuture connect;
        try {
            connect = bootstrap.connect(address.host(), address.port());
        } catch (RuntimeException e) {
            // e.g. the event loop is shutting down: fail this attempt instead of leaving it pending forever
            attemptFailed(attempt, e);
            return attempt;
        }
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                attemptFailed(attempt, f.cause());
                return;
            }
            Channel ch = f.channel();
            ResponseCorrelator c = ch.pipeline().get(ResponseCorrelator.class);
            if (c == null) {
                // Closed before this listener ran (a proxy or load balancer that accepts, then drops us): the
                // pipeline is already gone. The attempt must still end, or every later request would wait on it.
                // Say why when this side closed it (protected mode refuses a remote peer as soon as it connects).
                String reason = ch.attr(ChannelAttributes.CLOSE_REASON).get();
                attemptFailed(attempt, new PeerUnavailableException("connection to " + address
                        + " closed right after it was opened" + (reason == null ? "" : " (" + reason + ")")));
                return;
            }
            c.handshake().whenComplete((hello, error) -> {
                if (error != null) {
                    attemptFailed(attempt, error);
                } else {
                    connected(attempt, ch, c, hello);
                }
            });
        });
        return attempt;
    }

    private void connected(CompletableFuture<ResponseCorrelator> attempt, Channel ch, ResponseCorrelator c,
                           NodeHello hello) {
        synchronized (this) {
            connecting = null;
            if (closed) {
                ch.close();
                attempt.completeExceptionally(new PeerUnavailableException("client for " + address + " is closed"));
                return;
            }
            channel = ch;
            correlator = c;
            peerHello = hello;
            everConnected = true;
            nextAttemptNanos = 0;
            backoff.reset();
        }
        log.info("Connected to peer {} ({}) at {}", hello.nodeName(), hello.nodeId(), address);
        ch.closeFuture().addListener(f -> disconnected(ch));
        attempt.complete(c);
    }

    private void attemptFailed(CompletableFuture<ResponseCorrelator> attempt, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        synchronized (this) {
            connecting = null;
            lastFailure = message;
            nextAttemptNanos = System.nanoTime() + backoff.nextDelayNanos();
            scheduleReconnect();
        }
        log.debug("Connecting to peer {} failed: {}", address, message);
        attempt.completeExceptionally(cause instanceof PeerUnavailableException p ? p
                : new PeerUnavailableException("cannot connect to peer " + address + ": " + message, cause));
    }

    private void disconnected(Channel ch) {
        synchronized (this) {
            if (channel != ch) {
                return;
            }
            channel = null;
            correlator = null;
            if (closed) {
                return;
            }
            if (renewing) {
                renewing = false; // closed by renewHandshake: the next request connects at once
                nextAttemptNanos = System.nanoTime();
                return;
            }
            lastFailure = "connection lost";
            nextAttemptNanos = System.nanoTime() + backoff.nextDelayNanos();
            scheduleReconnect();
        }
        log.info("Connection to peer {} lost; reconnecting with backoff", address);
    }

    /** Once a peer was reachable, keep trying to get it back without waiting for the next request. */
    private void scheduleReconnect() {
        if (!everConnected || closed || reconnectTask != null) {
            return;
        }
        long delay = Math.max(0, nextAttemptNanos - System.nanoTime());
        try {
            reconnectTask = scheduler.schedule(() -> {
                synchronized (this) {
                    reconnectTask = null;
                }
                connection();
            }, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Reconnect to {} not scheduled: transport is stopping", address);
        }
    }

    /** Completes the caller's future on the callback executor, with PeerUnavailableException on failure. */
    private <T> CompletableFuture<T> handOff(CompletableFuture<T> internal) {
        CompletableFuture<T> out = new CompletableFuture<>();
        internal.whenComplete((value, error) -> {
            Runnable complete = () -> {
                if (error == null) {
                    out.complete(value);
                } else {
                    out.completeExceptionally(unavailable(error));
                }
            };
            try {
                callbacks.execute(complete);
            } catch (RejectedExecutionException e) {
                complete.run();
            }
        });
        return out;
    }

    private PeerUnavailableException unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof PeerUnavailableException p ? p
                : new PeerUnavailableException("request to peer " + address + " failed: " + cause, cause);
    }

    /** Drops the open connections (dialled and adopted) so that the next request handshakes again, at once. */
    public void renewHandshake() {
        Channel own;
        Channel adopted;
        synchronized (this) {
            own = channel;
            adopted = adoptedChannel;
            renewing = true;
        }
        if (own != null) {
            own.close();
        }
        if (adopted != null) {
            adopted.close();
        }
    }

    /** Closes the connection and stops reconnecting. */
    public void close() {
        Channel ch;
        synchronized (this) {
            closed = true;
            if (reconnectTask != null) {
                reconnectTask.cancel(false);
                reconnectTask = null;
            }
            ch = channel;
        }
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized String toString() {
        return "NettyPeerClient[" + address + (isConnected() ? ", connected" : ", " + lastFailure) + "]";
    }
}
