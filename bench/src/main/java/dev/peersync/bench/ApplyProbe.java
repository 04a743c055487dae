package dev.peersync.bench;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.store.SyncStore;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The store's two halves of replication timed alone, without the engine, the network or a second server: A's feed
 * read and B's apply, one 1,000-row batch after the other on one server, for new rows and then for updates of two
 * columns. The end-to-end figures say how fast the system is; this says where a batch's time goes, for an A/B of a
 * change to the feed or the apply (run it on both commits, same machine, same hour).
 */
@Command(name = "apply-probe", mixinStandardHelpOptions = true,
        description = "Times the store's feed read on A and apply on B, batch by batch, on one embedded server.")
public final class ApplyProbe implements Callable<Integer> {
    @Option(names = "--rows", description = "Rows written on A (default: ${DEFAULT-VALUE}).")
    int rows = 50_000;

    @Option(names = "--batch", description = "Rows per pull (default: ${DEFAULT-VALUE}).")
    int batch = 1_000;

    @Option(names = "--runs", description = "Repetitions, each on fresh databases (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--pg-stats", description = "Print the statements that took the most time (pg_stat_statements).")
    boolean pgStats;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApplyProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PgServer server = PgServer.start("probe", false, pgStats);
        try {
            List<String> lines = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                lines.add(runOnce(server, run));
                System.out.println(lines.get(lines.size() - 1));
            }
            System.out.println("--- " + rows + " rows, " + batch + " per batch, ms per 1,000 rows (median of the batches)");
            lines.forEach(System.out::println);
        } finally {
            server.close();
        }
        return 0;
    }

    private String runOnce(PgServer server, int run) throws Exception {
        String dbA = server.createDatabase("probe_a");
        String dbB = server.createDatabase("probe_b");
        for (String db : List.of(dbA, dbB)) {
            try (Connection c = server.connect(db)) {
                ReviewRows.createTable(c);
            }
        }
        if (Boolean.getBoolean("probe.async")) {
            server.execute(dbB, "ALTER DATABASE " + dbB + " SET synchronous_commit = off");
        }
        SyncNode a = SyncNode.open("a", server, dbA, batch);
        SyncNode b = SyncNode.open("b", server, dbB, batch);
        try {
            try (Connection c = server.connect(dbA)) {
                for (int written = 0; written < rows; written += 1_000) {
                    ReviewRows.insertGenerated(c, run * 1_000_000L + written, Math.min(1_000, rows - written));
                }
            }
            String inserts = profiled(server, () -> replicate(a.store(), b.store(), "inserts"));
            try (Connection c = server.connect(dbA); Statement s = c.createStatement()) {
                // Two of the eight columns, in 1,000-row statements, like figure 6's updates.
                s.execute("UPDATE " + ReviewRows.TABLE + " SET rating = 1 + rating % 5, title = title || '!'");
            }
            String updates = profiled(server, () -> replicate(a.store(), b.store(), "updates"));
            return "run " + run + ": " + inserts + "; " + updates;
        } finally {
            a.close();
            b.close();
            server.dropDatabase(dbA);
            server.dropDatabase(dbB);
        }
    }

    /** Runs one phase; with {@code --pg-stats}, prints the statements that took the most time during it. */
    private String profiled(PgServer server, java.util.function.Supplier<String> phase) {
        if (pgStats) {
            server.execute("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            server.execute("postgres", "SELECT pg_stat_statements_reset()");
        }
        String result = phase.get();
        if (pgStats) {
            System.out.println("--- " + result);
            server.topStatements(25).forEach(System.out::println);
        }
        return result;
    }

    /** Pulls A's feed into B until it is empty; the median read and apply times per 1,000 rows. */
    private String replicate(SyncStore a, SyncStore b, String what) {
        List<Double> reads = new ArrayList<>();
        List<Double> applies = new ArrayList<>();
        String cursor = b.cursor(a.nodeId());
        long total = 0;
        long start = System.nanoTime();
        while (true) {
            long t0 = System.nanoTime();
            ChangeBatch got = a.readChanges(b.nodeId(), new PullRequest(a.tables(), cursor, batch));
            long t1 = System.nanoTime();
            if (got.changes().isEmpty()) {
                break;
            }
            b.applyBatch(a.nodeId(), got.changes(), got.nextCursor());
            long t2 = System.nanoTime();
            double per = 1_000.0 / got.changes().size() / 1e6;
            reads.add((t1 - t0) * per);
            applies.add((t2 - t1) * per);
            total += got.changes().size();
            cursor = got.nextCursor();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "%s %,d rows: read %.1f ms, apply %.1f ms, %,.0f rows/s", what, total,
                median(reads), median(applies), total / seconds);
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
