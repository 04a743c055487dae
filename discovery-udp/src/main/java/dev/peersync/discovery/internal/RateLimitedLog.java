package dev.peersync.discovery.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs at most one warning per key per interval, saying how many were suppressed since the last one:
 * a stream of junk datagrams must not flood the log.
 */
public final class RateLimitedLog {
    private record Window(long openedNanos, AtomicLong suppressed) {
    }

    private final Logger log;
    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = Objects.requireNonNull(log, "log");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got: " + interval);
        }
        this.intervalNanos = interval.toNanos();
    }

    /** Logs {@code message} as a warning unless one for {@code key} was logged within the interval. */
    public void warn(String key, String message) {
        long now = System.nanoTime();
        long[] suppressed = {-1};
        windows.compute(key, (k, window) -> {
            if (window == null || now - window.openedNanos() >= intervalNanos) {
                suppressed[0] = window == null ? 0 : window.suppressed().get();
                return new Window(now, new AtomicLong());
            }
            window.suppressed().incrementAndGet();
            return window;
        });
        if (suppressed[0] == 0) {
            log.warn("{}", message);
        } else if (suppressed[0] > 0) {
            log.warn("{} ({} more like it suppressed)", message, suppressed[0]);
        }
    }
}
