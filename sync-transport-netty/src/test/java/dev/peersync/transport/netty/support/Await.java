package dev.peersync.transport.netty.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline and fails with what was last seen. */
public final class Await {
    private Await() {
    }

    public static void until(String what, Supplier<?> observed, java.util.function.Predicate<Object> done,
                             Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = observed.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            last = observed.get();
        }
    }

    public static void until(String what, Supplier<Boolean> condition, Duration timeout) {
        until(what, condition, v -> Boolean.TRUE.equals(v), timeout);
    }
}
