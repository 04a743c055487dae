package dev.peersync.it.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Compares the synced tables of several nodes row by row (all columns, not digests) and waits for them to agree.
 *
 * <p>"Converged" means: equal on every node, and still the same data a settle period later (so a row that some
 * node is still about to apply, or parked, does not pass as converged on a lucky read).
 */
public final class ConvergenceChecker {
    /** The tables a review node syncs, parents before children. */
    public static final List<String> SYNCED_TABLES = List.of("users", "categories", "products", "reviews",
            "product_images", "review_media", "activity_logs");
    private static final Duration POLL = Duration.ofMillis(200);

    /** One node's database, by the node's name. */
    public record Source(String node, DataSource dataSource) {
        public Source {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(dataSource, "dataSource");
        }
    }

    private final List<Source> sources;
    private final List<String> tables;
    private final Duration settle;

    public ConvergenceChecker(List<Source> sources, List<String> tables, Duration settle) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("sources must name at least one node");
        }
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("tables must not be empty");
        }
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative, got: " + settle);
        }
        this.sources = List.copyOf(sources);
        this.tables = List.copyOf(tables);
        this.settle = settle;
    }

    public ConvergenceChecker(List<Source> sources) {
        this(sources, SYNCED_TABLES, Duration.ofSeconds(1));
    }

    /** Reads every node now and compares. */
    public SnapshotDiff check() {
        List<NodeSnapshot> snapshots = new ArrayList<>();
        for (Source source : sources) {
            snapshots.add(SnapshotReader.read(source.node(), source.dataSource(), tables));
        }
        return SnapshotDiff.of(snapshots);
    }

    /**
     * Polls until the nodes agree and keep agreeing for the settle period; fails after {@code timeout} with the
     * readable diff last seen.
     */
    public Convergence awaitConvergence(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        SnapshotDiff last = null;
        long agreedSince = -1;
        NodeSnapshot agreedData = null;
        RuntimeException lastFailure = null;
        while (true) {
            long now = System.nanoTime();
            try {
                last = check();
                lastFailure = null;
                if (last.converged()) {
                    NodeSnapshot data = last.snapshots().get(0);
                    if (agreedData == null || !agreedData.tables().equals(data.tables())) {
                        agreedData = data;
                        agreedSince = now;
                    }
                    if (now - agreedSince >= settle.toNanos()) {
                        return new Convergence(Duration.ofNanos(agreedSince - start), last);
                    }
                } else {
                    agreedData = null;
                }
            } catch (RuntimeException e) {
                lastFailure = e; // a node's database briefly unreachable: keep polling until the deadline
                agreedData = null;
            }
            if (System.nanoTime() >= deadline) {
                String seen = lastFailure != null ? "the last read failed: " + lastFailure.getMessage()
                        : last == null ? "nothing read" : last.render();
                AssertionError error = new AssertionError("Nodes did not converge within " + timeout.toMillis()
                        + " ms. " + seen);
                if (lastFailure != null) {
                    error.initCause(lastFailure);
                }
                throw error;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }
}
