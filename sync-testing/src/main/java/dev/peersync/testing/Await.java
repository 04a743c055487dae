package dev.peersync.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Waits for a condition with a deadline, polling, and fails with what was last seen: the alternative to
 * sleep-and-hope in tests.
 *
 * <pre>
 * Await.until("user on node 2", Duration.ofSeconds(5), () -&gt; countUsers(node2), n -&gt; n == 1);
 * </pre>
 */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(25);

    private Await() {
    }

    /** A probe that may throw: a failing probe counts as "not yet" and its exception is reported at the end. */
    @FunctionalInterface
    public interface Probe<T> {
        T read() throws Exception;
    }

    /** Polls {@code probe} until {@code done} accepts its value; returns that value. */
    public static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastFailure = null;
        while (true) {
            try {
                last = probe.read();
                lastFailure = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() >= deadline) {
                AssertionError error = new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + "; last seen: " + (lastFailure != null ? "failure " + lastFailure : last));
                if (lastFailure != null) {
                    error.initCause(lastFailure);
                }
                throw error;
            }
            LockSupport.parkNanos(POLL.toNanos());
            if (Thread.interrupted()) {
                throw new AssertionError("Interrupted while waiting for " + what);
            }
        }
    }

    /** Polls until {@code probe} returns a value equal to {@code expected}. */
    public static <T> T untilEquals(String what, Duration timeout, Probe<T> probe, T expected) {
        return until(what + " = " + expected, timeout, probe, value -> Objects.equals(value, expected));
    }
}
