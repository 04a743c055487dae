package dev.peersync.bench;

import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.transport.netty.TransportStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Figure 5: the anti-entropy pass between two nodes, measured on the joining side B against A. Bytes are B's
 * transport counters (in + out, every connection of B), round trips are requests A's transport served, time is
 * from asking B for the pass until B reports the round done. A's engine is paused meanwhile (it still serves B,
 * as a paused engine does), so only B's pass is counted.
 */
final class SyncChecks {
    private final Results results;
    private final Duration timeout;

    SyncChecks(Results results, Duration timeout) {
        this.results = results;
        this.timeout = timeout;
    }

    /** Two nodes with identical tables agree that nothing needs to be sent; adds {@code <key>.bytes/.ms/.roundTrips}. */
    void inSync(SyncNode a, SyncNode b, String key) throws Exception {
        settle(a, b.nodeId());
        settle(b, a.nodeId());
        a.engine().setEnabled(false);
        try {
            Measured m = measure(a, b, e -> true, () -> b.engine().requestAntiEntropyAll());
            if (m.rowsApplied() != 0) {
                throw new IllegalStateException("the tables were expected identical but the pass applied "
                        + m.rowsApplied() + " row(s)");
            }
            m.addTo(results, key);
        } finally {
            a.engine().setEnabled(true);
        }
    }

    /**
     * {@code rows} rows changed on A that B's change feed skips (B's cursor is moved past them, as when a batch is
     * lost or B is restored from a backup): only anti-entropy can repair them. Measures B's repair pass and checks
     * that B ends equal to A.
     */
    void repair(SyncNode a, SyncNode b, Connection connA, Connection connB, int rows, long seed, String key)
            throws Exception {
        settle(a, b.nodeId());
        settle(b, a.nodeId());
        a.engine().setEnabled(false);
        b.engine().setEnabled(false);
        try {
            try (PreparedStatement ps = connA.prepareStatement("UPDATE " + ReviewRows.TABLE + " SET rating = 1 + rating % 5,"
                    + " updated_at = updated_at + interval '1 second' WHERE id IN (SELECT id FROM " + ReviewRows.TABLE
                    + " ORDER BY md5(id::text || ?) LIMIT ?)")) {
                ps.setString(1, Long.toString(seed));
                ps.setInt(2, rows);
                int updated = ps.executeUpdate();
                if (updated != rows) {
                    throw new IllegalStateException("expected to change " + rows + " rows on A, changed " + updated);
                }
            }
            skipFeed(a, b);
            TableState expected = TableState.read(connA);
            Measured m = measure(a, b, e -> e.rowsApplied() > 0, () -> {
                b.engine().requestAntiEntropyAll();
                b.engine().setEnabled(true);
            });
            TableState seen = TableState.read(connB);
            if (!seen.equals(expected)) {
                throw new IllegalStateException("after the repair pass B holds " + seen + ", A holds " + expected);
            }
            m.addTo(results, key);
        } finally {
            b.engine().setEnabled(true);
            a.engine().setEnabled(true);
        }
    }

    /** Moves B's cursor for A to the end of A's feed without applying anything (public SyncStore API only). */
    private static void skipFeed(SyncNode a, SyncNode b) {
        List<String> tables = a.store().tables();
        String cursor = b.store().cursor(a.nodeId());
        ChangeBatch batch;
        do {
            batch = a.store().readChanges(b.nodeId(), new PullRequest(tables, cursor, 5000));
            cursor = batch.nextCursor();
        } while (batch.hasMore());
        b.store().applyBatch(a.nodeId(), List.of(), cursor);
    }

    /**
     * Runs pull rounds of {@code node} with {@code peer} until one succeeds with at most one batch: the node has
     * caught up (each node also pulls back what its peer applied, the relay path, and that must be over before
     * anything is counted), is connected and idle.
     */
    private void settle(SyncNode node, NodeId peer) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        SyncEvent.SyncRoundCompleted round;
        do {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node did not settle with " + peer + " within " + timeout);
            }
            CompletableFuture<SyncEvent.SyncRoundCompleted> done = nextRound(node, peer, e -> true);
            node.engine().triggerSync();
            round = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } while (round.error() != null || round.batches() > 1);
    }

    private record Measured(long bytes, long roundTrips, double millis, int rowsApplied) {
        void addTo(Results results, String key) {
            results.add(key + ".bytes", bytes);
            results.add(key + ".roundTrips", roundTrips);
            results.add(key + ".ms", millis);
        }
    }

    private Measured measure(SyncNode a, SyncNode b, Predicate<SyncEvent.SyncRoundCompleted> wanted, Runnable start)
            throws Exception {
        CompletableFuture<SyncEvent.SyncRoundCompleted> done = nextRound(b, a.nodeId(), wanted);
        TransportStats statsB = b.stats();
        TransportStats statsA = a.stats();
        long bytesBefore = statsB.bytesIn() + statsB.bytesOut();
        long servedBefore = statsA.requestsServed();
        long t0 = System.nanoTime();
        start.run();
        SyncEvent.SyncRoundCompleted round = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long t1 = System.nanoTime();
        if (round.error() != null) {
            throw new IllegalStateException("B's sync round with A failed: " + round.error());
        }
        return new Measured(statsB.bytesIn() + statsB.bytesOut() - bytesBefore, statsA.requestsServed() - servedBefore,
                (t1 - t0) / 1e6, round.rowsApplied());
    }

    private static CompletableFuture<SyncEvent.SyncRoundCompleted> nextRound(
            SyncNode b, NodeId peer, Predicate<SyncEvent.SyncRoundCompleted> wanted) {
        CompletableFuture<SyncEvent.SyncRoundCompleted> done = new CompletableFuture<>();
        b.addListener(event -> {
            if (event instanceof SyncEvent.SyncRoundCompleted round && round.peer().equals(peer) && wanted.test(round)) {
                done.complete(round);
            }
        });
        return done;
    }
}
