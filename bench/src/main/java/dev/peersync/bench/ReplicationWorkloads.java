package dev.peersync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Workloads 1-3 of the benchmark, run the same way on our sync and on native logical replication
 * ({@link ReplicaPair}). Each method measures one run and adds its figures to {@link Results} under
 * {@code <workload>.<system>.<metric>}.
 */
final class ReplicationWorkloads {
    static final int TRANSACTION_ROWS = 1000;
    private static final long SENTINEL_POLL_MICROS = 5000;
    private static final long LATENCY_POLL_MICROS = 200;

    private final Results results;
    private final Duration timeout;

    ReplicationWorkloads(Results results, Duration timeout) {
        this.results = results;
        this.timeout = timeout;
    }

    /**
     * 1. Backlog catch-up: {@code rows} rows written on A in 1,000-row transactions while B is stopped; then the
     * time from B's start until B's table equals A's.
     */
    void backlog(ReplicaPair pair, int rows, long seed) throws Exception {
        pair.stopReplica();
        List<UUID> last = new ArrayList<>();
        try (Connection a = pair.connectA()) {
            last.add(write(a, new ReviewRows(seed), rows));
        }
        try (Connection a = pair.connectA(); Connection b = pair.connectB()) {
            long start = System.nanoTime();
            pair.startReplica();
            long seen = TableState.awaitEqual(b, last, () -> TableState.read(a), timeout, SENTINEL_POLL_MICROS);
            pair.verifyConverged();
            double seconds = (seen - start) / 1e9;
            results.add("backlog." + pair.system() + ".rate", rows / seconds);
            results.add("backlog." + pair.system() + ".seconds", seconds);
        }
    }

    /**
     * 9. Backlog of updates: {@code rows} rows written on A and replicated to B (not timed); then, while B is stopped,
     * every row updated once on A, two of its eight columns, in 1,000-row transactions; then the time from B's start
     * until B's table equals A's. What a peer pays to catch up on changes of rows it holds, where figure 1 measures new
     * rows.
     */
    void updateBacklog(ReplicaPair pair, int rows, long seed) throws Exception {
        List<UUID> ids = new ArrayList<>();
        ReviewRows generator = new ReviewRows(seed);
        try (Connection a = pair.connectA(); Connection b = pair.connectB()) {
            for (int done = 0; done < rows; done += TRANSACTION_ROWS) {
                List<ReviewRows.Review> batch = generator.next(Math.min(TRANSACTION_ROWS, rows - done));
                ReviewRows.insert(a, batch);
                batch.forEach(r -> ids.add(r.id()));
            }
            TableState.awaitEqual(b, List.of(ids.get(ids.size() - 1)), () -> TableState.read(a), timeout,
                    SENTINEL_POLL_MICROS);
        }
        pair.stopReplica();
        List<UUID> last;
        try (Connection a = pair.connectA()) {
            last = update(a, ids);
        }
        try (Connection a = pair.connectA(); Connection b = pair.connectB()) {
            long start = System.nanoTime();
            pair.startReplica();
            long seen = TableState.awaitEqual(b, last, UPDATED, () -> TableState.read(a), timeout, SENTINEL_POLL_MICROS);
            pair.verifyConverged();
            double seconds = (seen - start) / 1e9;
            results.add("updates." + pair.system() + ".rate", rows / seconds);
            results.add("updates." + pair.system() + ".seconds", seconds);
        }
    }

    /** What {@link #update} leaves on a row: B has a row's update when this holds there. */
    private static final String UPDATED = "updated_at < created_at";

    /**
     * Updates every row of {@code ids} once, 1,000 per transaction in key order (as figure 6): the rating and
     * updated_at change. Returns the ids of the last transaction.
     */
    private static List<UUID> update(Connection c, List<UUID> ids) throws java.sql.SQLException {
        List<UUID> sorted = new ArrayList<>(ids);
        java.util.Collections.sort(sorted);
        List<UUID> last = List.of();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + ReviewRows.TABLE + " SET rating = rating % 5 + 1,"
                + " updated_at = created_at - interval '1 second' WHERE id = ANY(?)")) {
            for (int from = 0; from < sorted.size(); from += TRANSACTION_ROWS) {
                last = sorted.subList(from, Math.min(sorted.size(), from + TRANSACTION_ROWS));
                ps.setArray(1, c.createArrayOf("uuid", last.toArray()));
                ps.executeUpdate();
                c.commit();
            }
        } finally {
            c.setAutoCommit(auto);
        }
        return last;
    }

    /**
     * 2. Steady replication: {@code writers} threads write {@code rows} rows in total on A at full speed, in
     * 1,000-row transactions, with B running; the time from the first write until B has every row.
     */
    void steady(ReplicaPair pair, int rows, int writers, long seed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (Connection a = pair.connectA(); Connection b = pair.connectB()) {
            long start = System.nanoTime();
            List<Future<UUID>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int share = rows / writers + (w < rows % writers ? 1 : 0);
                long writerSeed = seed * 31 + w;
                done.add(pool.submit(() -> {
                    try (Connection c = pair.connectA()) {
                        return write(c, new ReviewRows(writerSeed), share);
                    }
                }));
            }
            List<UUID> last = new ArrayList<>();
            for (Future<UUID> f : done) {
                last.add(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            long written = System.nanoTime();
            long seen = TableState.awaitEqual(b, last, () -> TableState.read(a), timeout, SENTINEL_POLL_MICROS);
            pair.verifyConverged();
            results.add("steady." + pair.system() + ".rate", rows / ((seen - start) / 1e9));
            results.add("steady." + pair.system() + ".writeRate", rows / ((written - start) / 1e9));
            results.add("steady." + pair.system() + ".lagMs", (seen - written) / 1e6);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * 3. Latency: {@code samples} single-row commits on A, one at a time; for each, the time from sending the
     * INSERT (autocommit) until a connection to B's database sees the row. Adds the run's p50 and p99.
     */
    void latency(ReplicaPair pair, int samples, long seed) throws Exception {
        ReviewRows rows = new ReviewRows(seed);
        SplittableRandom pause = new SplittableRandom(seed);
        List<Double> millis = new ArrayList<>(samples);
        try (Connection a = pair.connectA(); Connection b = pair.connectB();
             PreparedStatement probe = b.prepareStatement("SELECT 1 FROM " + ReviewRows.TABLE + " WHERE id = ?")) {
            // The first commit of a fresh pair also opens connections; it is reported, not counted.
            double first = oneCommit(a, probe, rows.next(), -1);
            results.note(String.format(java.util.Locale.ROOT, "%s latency warm-up: the pair's first commit was visible"
                    + " on B after %.1f ms (not counted)", pair.system(), first));
            for (int i = 0; i < samples; i++) {
                millis.add(oneCommit(a, probe, rows.next(), i));
                // A short random pause, so that commits do not fall into step with any timer on either side.
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500 + pause.nextInt(2000)));
            }
        }
        double[] sorted = Summary.sorted(millis);
        results.add("latency." + pair.system() + ".p50", Summary.percentile(sorted, 50));
        results.add("latency." + pair.system() + ".p99", Summary.percentile(sorted, 99));
    }

    /** Inserts one row on A and returns the milliseconds until {@code probe} (on B) sees it. */
    private double oneCommit(Connection a, PreparedStatement probe, ReviewRows.Review r, int sample)
            throws java.sql.SQLException {
        probe.setObject(1, r.id());
        long start = System.nanoTime();
        ReviewRows.insertOne(a, r);
        long deadline = start + timeout.toNanos();
        while (!exists(probe)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Row " + r.id() + " (sample " + sample + ") not visible on B within "
                        + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(LATENCY_POLL_MICROS));
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static boolean exists(PreparedStatement probe) throws java.sql.SQLException {
        try (ResultSet rs = probe.executeQuery()) {
            return rs.next();
        }
    }

    /** Writes {@code rows} generated rows in 1,000-row transactions; returns the id of the last row written. */
    static UUID write(Connection c, ReviewRows generator, int rows) throws java.sql.SQLException {
        UUID last = null;
        for (int done = 0; done < rows; done += TRANSACTION_ROWS) {
            List<ReviewRows.Review> batch = generator.next(Math.min(TRANSACTION_ROWS, rows - done));
            ReviewRows.insert(c, batch);
            last = batch.get(batch.size() - 1).id();
        }
        if (last == null) {
            throw new IllegalArgumentException("rows must be positive, got: " + rows);
        }
        return last;
    }
}
