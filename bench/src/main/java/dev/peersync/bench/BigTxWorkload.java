package dev.peersync.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Figure 8: ONE transaction of {@code bigTxRows} rows written on A, timed from the start of the write until B's table
 * equals A's. Ours: A in this JVM, B in a child JVM with the small heap of figure 4 ({@link FollowerProcess}), which
 * applies the transaction page by page inside one database transaction; its peak heap and RSS show that memory stays
 * bounded. B is not empty when the transaction comes: it holds a first row and a cursor on A's feed, so the
 * transaction reaches it through the feed (an empty node would join by snapshot instead). Baseline: native logical
 * replication of the same transaction between the same two servers, after the same first row.
 */
final class BigTxWorkload {
    private static final long SENTINEL_POLL_MICROS = 5000;
    private final PgServer a;
    private final PgServer b;
    private final BenchOptions options;
    private final Results results;
    private final PrintStream log;

    BigTxWorkload(PgServer a, PgServer b, BenchOptions options, Results results, PrintStream log) {
        this.a = a;
        this.b = b;
        this.options = options;
        this.results = results;
        this.log = log;
    }

    /** One run on our sync; adds {@code bigtx.ours.seconds/.rate/.heapMb/.rssMb}. */
    void ours(long seed) throws Exception {
        DatabasePair dbs = DatabasePair.create(a, b, "bigtx");
        try (SyncNode nodeA = SyncNode.open("a", a, dbs.dbA(), options.pullBatchRows());
             Connection ca = dbs.connectA(); Connection cb = dbs.connectB()) {
            nodeA.start(List.of());
            ReviewRows.Review first = new ReviewRows(seed).next();
            ReviewRows.insertOne(ca, first);
            try (FollowerProcess nodeB = FollowerProcess.start(options.childHeap(), b.jdbcUrl(dbs.dbB()), nodeA,
                    first.id(), options.pullBatchRows(), options.timeout(), log)) {
                // A tells B of its commits (push), as it does its other peers.
                nodeA.addPeer(nodeB.nodeId(), nodeB.port());
                nodeB.awaitSynced(options.timeout());
                double seconds = timeWrite(ca, cb, seed, nodeB::whileAlive);
                FollowerProcess.Memory memory = nodeB.stop();
                results.add("bigtx.ours.seconds", seconds);
                results.add("bigtx.ours.rate", options.bigTxRows() / seconds);
                results.add("bigtx.ours.heapMb", memory.heapMb());
                results.add("bigtx.ours.rssMb", memory.rssMb());
            }
        } finally {
            dbs.drop();
        }
    }

    /** One run of the baseline on native logical replication; adds {@code bigtx.native.seconds}. */
    void nativeBaseline(long seed) throws Exception {
        try (NativePair pair = NativePair.create(a, b); Connection ca = pair.connectA(); Connection cb = pair.connectB()) {
            ReviewRows.Review first = new ReviewRows(seed).next();
            ReviewRows.insertOne(ca, first);
            TableState.awaitEqual(cb, List.of(first.id()), () -> TableState.read(ca), options.timeout(),
                    SENTINEL_POLL_MICROS);
            results.add("bigtx.native.seconds", timeWrite(ca, cb, seed, Callable::call));
        }
    }

    /** How a wait on B runs: in this thread, or while watching B's JVM. */
    @FunctionalInterface
    private interface Waiting {
        long await(Callable<Long> wait) throws Exception;
    }

    /** Writes the rows on A in one statement (one transaction); returns the seconds until B's table equals A's. */
    private double timeWrite(Connection ca, Connection cb, long seed, Waiting waiting) throws Exception {
        long start = System.nanoTime();
        List<UUID> last = List.of(ReviewRows.insertGenerated(ca, seed, options.bigTxRows()));
        long seen = waiting.await(() -> TableState.awaitEqual(cb, last, () -> TableState.read(ca), options.timeout(),
                SENTINEL_POLL_MICROS));
        return (seen - start) / 1e9;
    }
}
