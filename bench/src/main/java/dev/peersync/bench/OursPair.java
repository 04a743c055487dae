package dev.peersync.bench;

import dev.peersync.core.event.SyncEvent;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Our sync from A to B: two nodes ({@link SyncNode}), each on a fresh database of its own server, peers of
 * each other. "B stopped" is B's engine and transport closed; B's database and sync state stay, as for a node
 * that is down and restarts.
 */
final class OursPair implements ReplicaPair {
    private final DatabasePair dbs;
    private final SyncNode nodeA;
    private final SyncNode nodeB;
    private final List<SyncEvent.SyncRoundCompleted> roundsOfB = new CopyOnWriteArrayList<>();
    private final List<SyncEvent.SyncRoundCompleted> roundsOfA = new CopyOnWriteArrayList<>();

    private OursPair(DatabasePair dbs, SyncNode nodeA, SyncNode nodeB) {
        this.dbs = dbs;
        this.nodeA = nodeA;
        this.nodeB = nodeB;
        nodeB.addListener(e -> {
            if (e instanceof SyncEvent.SyncRoundCompleted r) {
                roundsOfB.add(r);
            }
        });
        nodeA.addListener(e -> {
            if (e instanceof SyncEvent.SyncRoundCompleted r) {
                roundsOfA.add(r);
            }
        });
    }

    /** Fresh databases with the table on A and B, the store installed on both, both engines running. */
    static OursPair create(PgServer a, PgServer b, int pullBatchRows) throws SQLException {
        DatabasePair dbs = DatabasePair.create(a, b, "ours");
        SyncNode nodeA = SyncNode.open("a", a, dbs.dbA(), pullBatchRows);
        SyncNode nodeB = SyncNode.open("b", b, dbs.dbB(), pullBatchRows);
        nodeA.start(List.of());
        nodeB.start(List.of(nodeA));
        nodeA.addPeer(nodeB.nodeId(), nodeB.port());
        awaitFirstRound(nodeB, nodeA);
        return new OursPair(dbs, nodeA, nodeB);
    }

    /**
     * Until B has completed a round with A (its cursor for A is stored): "B stopped" is then a node that was in
     * sync and restarts, which catches up from its cursor, not a new node, which would join by snapshot.
     */
    private static void awaitFirstRound(SyncNode b, SyncNode a) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (b.store().cursor(a.nodeId()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("B completed no round with A within 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public String system() {
        return "ours";
    }

    SyncNode nodeA() {
        return nodeA;
    }

    SyncNode nodeB() {
        return nodeB;
    }

    @Override
    public DatabasePair databases() {
        return dbs;
    }

    @Override
    public void stopReplica() {
        nodeB.stop();
    }

    /** B's engine starts with A as its peer, and A learns B's new port (B restarts on an ephemeral port). */
    @Override
    public void startReplica() {
        nodeB.start(List.of(nodeA));
        nodeA.addPeer(nodeB.nodeId(), nodeB.port());
    }

    /** B's sync digest (over primary keys and versions) must equal A's once B's data equals A's. */
    @Override
    public void verifyConverged() {
        String rootA = nodeA.store().digest(ReviewRows.TABLE).rootHash();
        String rootB = nodeB.store().digest(ReviewRows.TABLE).rootHash();
        if (!rootA.equals(rootB)) {
            throw new IllegalStateException("B's data equals A's but the table digests differ: A " + rootA + ", B " + rootB);
        }
    }

    /** B's pull rounds (count, rows, median and max duration) and A's rounds pulling back from B (the echo). */
    @Override
    public String observations() {
        return describe("B pulled from A", roundsOfB) + "; " + describe("A pulled from B", roundsOfA);
    }

    private static String describe(String what, List<SyncEvent.SyncRoundCompleted> rounds) {
        if (rounds.isEmpty()) {
            return what + " in 0 rounds";
        }
        List<Double> millis = rounds.stream().map(r -> (double) r.durationMillis()).toList();
        Summary s = Summary.of(millis);
        long rows = rounds.stream().mapToLong(SyncEvent.SyncRoundCompleted::rowsApplied).sum();
        long failed = rounds.stream().filter(r -> r.error() != null).count();
        return String.format(java.util.Locale.ROOT, "%s in %d rounds (%d failed), %d rows applied, round duration"
                + " median %.0f ms, max %.0f ms", what, rounds.size(), failed, rows, s.median(), s.max());
    }

    @Override
    public void close() throws Exception {
        try (SyncNode ignoredB = nodeB; SyncNode ignoredA = nodeA) {
            // closes B, then A
        }
        dbs.drop();
    }
}
