package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The feed batch each peer session is applying right now. In a mesh a peer may relay rows whose origin's own batch
 * we are applying at that very moment; applying them too would only wait on the same row locks and then skip them.
 * So a batch with relayed rows first waits for the apply in progress from their origin (never for a whole round,
 * and an apply never waits here itself, so no cycle), and the store then drops the rows that apply brought.
 */
final class ApplyTracker {
    private final Map<NodeId, CompletableFuture<Void>> inProgress = new ConcurrentHashMap<>();

    /** An apply in progress; closing it ends it. */
    interface Applying extends AutoCloseable {
        @Override
        void close();
    }

    /** Marks an apply from {@code peer} in progress (visible to {@link #awaitOrigins}) until closed. */
    Applying begin(NodeId peer) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        inProgress.put(peer, done);
        return () -> {
            inProgress.remove(peer, done);
            done.complete(null);
        };
    }

    /** Runs one apply of a batch pulled from {@code peer}, visible to {@link #awaitOrigins} meanwhile. */
    <T> T applying(NodeId peer, Supplier<T> apply) {
        try (Applying ignored = begin(peer)) {
            return apply.get();
        }
    }

    /** Waits (at most {@code max} in all) for the applies in progress from {@code origins}, other than {@code peer}. */
    void awaitOrigins(NodeId peer, Collection<NodeId> origins, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (NodeId origin : origins) {
            CompletableFuture<Void> apply = origin.equals(peer) ? null : inProgress.get(origin);
            if (apply == null) {
                continue;
            }
            try {
                apply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return; // apply as usual: the merge rule skips what is held
            }
        }
    }
}
