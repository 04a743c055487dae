package dev.peersync.core;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * At most {@code perWindow} log lines per key per window; the lines over it are counted and the count is reported with
 * the next line allowed. What a stream of junk (datagrams, connections, frames) must not do is flood the log, and
 * keys keep one kind of line from hiding another (a flood of garbage must not hide failed key exchanges). One home
 * for the rule, used by the transport and by discovery.
 */
public final class LogLimiter {
    private static final class Window {
        long start;
        int used;
        int suppressed;

        Window(long start) {
            this.start = start;
        }
    }

    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private final Map<Object, Window> windows = new ConcurrentHashMap<>();

    public LogLimiter(Logger log, int perWindow, Duration window) {
        this.log = Objects.requireNonNull(log, "log");
        if (perWindow < 1) {
            throw new IllegalArgumentException("perWindow must be at least 1, got: " + perWindow);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got: " + window);
        }
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
    }

    /**
     * Takes one line of {@code key}'s budget: -1 when the line must be suppressed, else how many lines of that key were
     * suppressed since the last one allowed.
     */
    public int tryAcquire(Object key) {
        long now = System.nanoTime();
        Window w = windows.computeIfAbsent(key, k -> new Window(now));
        synchronized (w) {
            if (now - w.start >= windowNanos) {
                w.start = now;
                w.used = 0;
            }
            if (++w.used > perWindow) {
                w.suppressed++;
                return -1;
            }
            int suppressed = w.suppressed;
            w.suppressed = 0;
            return suppressed;
        }
    }

    /** Logs {@code message} as a warning unless {@code key}'s budget is spent, with the count suppressed since. */
    public void warn(Object key, String message) {
        int suppressed = tryAcquire(key);
        if (suppressed == 0) {
            log.warn("{}", message);
        } else if (suppressed > 0) {
            log.warn("{} ({} more like it suppressed)", message, suppressed);
        }
    }
}
