package dev.peersync.node.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, failing with what was last seen: never sleep-and-hope. */
public final class Eventually {
    private Eventually() {
    }

    public static <T> T await(String what, Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        AssertionError failure = new AssertionError("Timed out after " + timeout + " waiting for " + what
                + "; last seen: " + last);
        if (lastError != null) {
            failure.initCause(lastError);
        }
        throw failure;
    }

    public static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        await(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
    }
}
