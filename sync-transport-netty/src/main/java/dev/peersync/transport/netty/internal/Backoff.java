package dev.peersync.transport.netty.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delay: starts at {@code min}, doubles per failure up to {@code max}, each delay
 * jittered by +-20% so that peers restarted together do not reconnect in lockstep. Not thread-safe.
 */
public final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private long currentNanos;

    public Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.currentNanos = minNanos;
    }

    /** The delay before the next attempt; the one after it will be longer. */
    public long nextDelayNanos() {
        long base = currentNanos;
        currentNanos = Math.min(maxNanos, currentNanos * 2);
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return (long) (base * jitter);
    }

    public void reset() {
        currentNanos = minNanos;
    }
}
