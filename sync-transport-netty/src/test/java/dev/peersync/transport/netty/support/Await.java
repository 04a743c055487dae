package dev.peersync.transport.netty.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The transport tests' argument order for {@link dev.peersync.testing.Await}, which does the waiting. */
public final class Await {
    private Await() {
    }

    public static void until(String what, Supplier<?> observed, Predicate<Object> done, Duration timeout) {
        dev.peersync.testing.Await.until(what, timeout, observed::get, done);
    }

    public static void until(String what, Supplier<Boolean> condition, Duration timeout) {
        until(what, condition, v -> Boolean.TRUE.equals(v), timeout);
    }
}
