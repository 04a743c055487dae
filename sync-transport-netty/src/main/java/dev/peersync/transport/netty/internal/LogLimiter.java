package dev.peersync.transport.netty.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code perWindow} log lines per window; the rest are counted and reported with the next allowed
 * line. A peer that sends garbage in a loop must not be able to flood the node's log.
 */
final class LogLimiter {
    private final int perWindow;
    private final long windowNanos;
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicInteger used = new AtomicInteger();
    private final AtomicInteger suppressed = new AtomicInteger();

    LogLimiter(int perWindow, long windowMillis) {
        this.perWindow = perWindow;
        this.windowNanos = windowMillis * 1_000_000L;
    }

    /**
     * Returns -1 when this line must be suppressed, else the number of lines suppressed since the last one
     * that was logged.
     */
    int tryAcquire() {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start > windowNanos && windowStart.compareAndSet(start, now)) {
            used.set(0);
        }
        if (used.incrementAndGet() > perWindow) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }
}
