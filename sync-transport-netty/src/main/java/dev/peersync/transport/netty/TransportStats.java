package dev.peersync.transport.netty;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link NettyPeerTransport}, safe to read from any thread (for metrics and status pages).
 * Counters only grow; {@link #snapshot()} gives a consistent-enough copy for display.
 */
public final class TransportStats {
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final AtomicLong connectionsActive = new AtomicLong();
    private final LongAdder handshakesCompleted = new LongAdder();
    private final LongAdder authFailures = new LongAdder();
    private final LongAdder rejectedByPeer = new LongAdder();
    private final LongAdder requestTimeouts = new LongAdder();
    private final LongAdder requestsServed = new LongAdder();
    private final Map<RejectReason, LongAdder> rejections = new EnumMap<>(RejectReason.class);

    public TransportStats() {
        for (RejectReason reason : RejectReason.values()) {
            rejections.put(reason, new LongAdder());
        }
    }

    public void addBytesIn(long n) {
        bytesIn.add(n);
    }

    public void addBytesOut(long n) {
        bytesOut.add(n);
    }

    public void frameIn() {
        framesIn.increment();
    }

    public void frameOut() {
        framesOut.increment();
    }

    /** A TCP connection became active; {@code inbound} when a peer connected to us. */
    public void connectionOpened(boolean inbound) {
        (inbound ? connectionsAccepted : connectionsOpened).increment();
        connectionsActive.incrementAndGet();
    }

    public void connectionClosed() {
        connectionsActive.decrementAndGet();
    }

    public void handshakeCompleted() {
        handshakesCompleted.increment();
    }

    /** This node refused or closed a connection for {@code reason}. */
    public void rejected(RejectReason reason) {
        rejections.get(reason).increment();
        if (reason.isAuthFailure()) {
            authFailures.increment();
        }
    }

    /** The other side sent us a REJECT. */
    public void rejectedByPeer() {
        rejectedByPeer.increment();
    }

    /** The peer refused us; a refused key exchange counts as a failed authentication on this side too. */
    public void rejectedByPeer(RejectReason reason) {
        rejectedByPeer();
        if (reason != null && reason.isAuthFailure()) {
            authFailures.increment();
        }
    }

    public void requestTimedOut() {
        requestTimeouts.increment();
    }

    public void requestServed() {
        requestsServed.increment();
    }

    public long rejections(RejectReason reason) {
        return rejections.get(reason).sum();
    }

    public long handshakesCompleted() {
        return handshakesCompleted.sum();
    }

    public long authFailures() {
        return authFailures.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long requestsServed() {
        return requestsServed.sum();
    }

    public long connectionsActive() {
        return connectionsActive.get();
    }

    public Snapshot snapshot() {
        Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
        rejections.forEach((reason, count) -> byReason.put(reason, count.sum()));
        return new Snapshot(bytesIn.sum(), bytesOut.sum(), framesIn.sum(), framesOut.sum(),
                connectionsAccepted.sum(), connectionsOpened.sum(), connectionsActive.get(),
                handshakesCompleted.sum(), authFailures.sum(), rejectedByPeer.sum(), requestTimeouts.sum(),
                requestsServed.sum(), Map.copyOf(byReason));
    }

    /** A copy of every counter at one moment. */
    public record Snapshot(long bytesIn, long bytesOut, long framesIn, long framesOut, long connectionsAccepted,
                           long connectionsOpened, long connectionsActive, long handshakesCompleted,
                           long authFailures, long rejectedByPeer, long requestTimeouts, long requestsServed,
                           Map<RejectReason, Long> rejections) {
    }
}
