package dev.peersync.bench;

import dev.peersync.core.NodeId;
import dev.peersync.core.store.OriginCounts;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Figure 7: rows written on A of a three-node mesh ({@link ReplicaMesh}), timed from the start of the write until
 * B and C both hold A's table; two writes, each on a fresh mesh: (a) one statement, (b) 1,000-row transactions.
 * For our sync, the rows each of B and C applied and received per row written, from its engine's counters by
 * origin. Adds {@code <workload>.<system>.rate} and, for ours, {@code .appliedB/.appliedC/.receivedB/.receivedC}.
 */
final class MeshWorkload {
    static final String STATEMENT = "meshStatement";
    static final String TRANSACTIONS = "meshTx";
    private static final long SENTINEL_POLL_MICROS = 5000;
    /** Counters follow each apply's commit closely: this only bounds a wait that should take milliseconds. */
    private static final Duration COUNTERS_SETTLE = Duration.ofSeconds(30);

    private final Results results;
    private final Duration timeout;

    MeshWorkload(Results results, Duration timeout) {
        this.results = results;
        this.timeout = timeout;
    }

    /** A write on A; returns the id of its last row (the probe for B and C). */
    @FunctionalInterface
    private interface Write {
        UUID on(Connection a) throws Exception;
    }

    /** 7a: {@code rows} rows in ONE statement (one transaction) on A. */
    void oneStatement(int run, ReplicaMesh mesh, int rows, long seed) throws Exception {
        measure(run, mesh, STATEMENT, rows, a -> ReviewRows.insertGenerated(a, seed, rows));
    }

    /** 7b: {@code rows} rows in 1,000-row transactions on A (one connection). */
    void transactions(int run, ReplicaMesh mesh, int rows, long seed) throws Exception {
        measure(run, mesh, TRANSACTIONS, rows, a -> ReplicationWorkloads.write(a, new ReviewRows(seed), rows));
    }

    private void measure(int run, ReplicaMesh mesh, String workload, int rows, Write write) throws Exception {
        MeshDatabases dbs = mesh.databases();
        ExecutorService waiters = Executors.newFixedThreadPool(2);
        try (Connection a = dbs.connectA(); Connection b = dbs.connectB(); Connection c = dbs.connectC()) {
            // A's state is read once, by whichever of the two waiters needs it first.
            FutureTask<TableState> stateA = new FutureTask<>(() -> TableState.read(a));
            Callable<TableState> expected = () -> {
                stateA.run();
                return stateA.get();
            };
            long start = System.nanoTime();
            List<UUID> last = List.of(write.on(a));
            // B and C are watched at the same time: each wait reports when its replica was first seen complete.
            Future<Long> seenB = waiters.submit(() -> TableState.awaitEqual(b, last, expected, timeout,
                    SENTINEL_POLL_MICROS));
            Future<Long> seenC = waiters.submit(() -> TableState.awaitEqual(c, last, expected, timeout,
                    SENTINEL_POLL_MICROS));
            long seen = Math.max(await(seenB), await(seenC));
            mesh.verifyConverged();
            results.add(workload + "." + mesh.system() + ".rate", rows / ((seen - start) / 1e9));
        } finally {
            waiters.shutdownNow();
        }
        if (mesh instanceof OursMesh ours) {
            NodeId origin = ours.nodeA().nodeId();
            OriginCounts b = settledCounts(ours.nodeB(), origin, rows);
            OriginCounts c = settledCounts(ours.nodeC(), origin, rows);
            results.add(workload + ".ours.appliedB", (double) b.applied() / rows);
            results.add(workload + ".ours.appliedC", (double) c.applied() / rows);
            results.add(workload + ".ours.receivedB", (double) b.received() / rows);
            results.add(workload + ".ours.receivedC", (double) c.received() / rows);
            results.note(String.format(Locale.ROOT, "run %d, ours mesh (%s): of the %,d rows written on A, B %s; C %s",
                    run, workload.equals(STATEMENT) ? "one statement" : "1,000-row transactions", rows, describe(b),
                    describe(c)));
        }
    }

    /**
     * {@code node}'s counters of A's rows once they account for every row written (they are updated just after each
     * apply commits, so they may trail the table by a moment). A node that holds every row but counts fewer applied
     * got the rest another way (anti-entropy): the figure is then not measured, with the counts as the reason.
     */
    private OriginCounts settledCounts(SyncNode node, NodeId origin, int rows) {
        Duration settle = timeout.compareTo(COUNTERS_SETTLE) < 0 ? timeout : COUNTERS_SETTLE;
        long deadline = System.nanoTime() + settle.toNanos();
        OriginCounts counts = OursMesh.rowsOf(node, origin);
        while (counts.applied() < rows) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(node.name() + "'s counters of A's rows stopped short of the " + rows
                        + " rows written within " + settle + ": " + describe(counts));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            counts = OursMesh.rowsOf(node, origin);
        }
        return counts;
    }

    /** The wait's result, or what made it fail (not wrapped). */
    private static long await(Future<Long> seen) throws Exception {
        try {
            return seen.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static String describe(OriginCounts c) {
        return String.format(Locale.ROOT, "received %,d, applied %,d, skipped %,d, parked %,d", c.received(),
                c.applied(), c.skipped(), c.parked());
    }
}
