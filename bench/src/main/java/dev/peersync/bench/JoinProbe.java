package dev.peersync.bench;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.store.SyncStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The joining node's half of a snapshot join timed alone: A's snapshot pages are read first, into memory, then loaded
 * into an empty B by one loader and by several at once, A idle meanwhile. Figure 4 runs A's server, B's server and both
 * JVMs on the same cores, so it cannot show what a joining node does with cores of its own; this does.
 */
@Command(name = "join-probe", mixinStandardHelpOptions = true,
        description = "Times the loading of snapshot pages into an empty node, by one loader and by several.")
public final class JoinProbe implements Callable<Integer> {
    @Option(names = "--rows", description = "Rows on A (default: ${DEFAULT-VALUE}).")
    int rows = 200_000;

    @Option(names = "--page-rows", description = "Rows per page (default: ${DEFAULT-VALUE}).")
    int pageRows = 2_500;

    @Option(names = "--loaders", split = ",", description = "Loaders to time, each on a fresh B (default: 1,2).")
    List<Integer> loaders = List.of(1, 2);

    @Option(names = "--runs", description = "Repetitions of each (default: ${DEFAULT-VALUE}).")
    int runs = 2;

    public static void main(String[] args) {
        System.exit(new CommandLine(new JoinProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PgServer server = PgServer.start("join", false, false);
        try {
            String dbA = server.createDatabase("join_a");
            try (Connection c = server.connect(dbA)) {
                ReviewRows.createTable(c);
                for (int written = 0; written < rows; written += 1_000) {
                    ReviewRows.insertGenerated(c, written, Math.min(1_000, rows - written));
                }
            }
            List<SnapshotPage> pages = new ArrayList<>();
            NodeId source;
            try (SyncNode a = SyncNode.open("a", server, dbA, pageRows)) {
                source = a.store().nodeId();
                String after = "";
                while (true) {
                    SnapshotPage page = a.store().readSnapshot(new SnapshotRequest(ReviewRows.TABLE,
                            a.store().snapshotColumns(ReviewRows.TABLE), after, pageRows));
                    pages.add(page);
                    if (!page.hasMore()) {
                        break;
                    }
                    after = page.lastPk();
                }
            }
            List<String> lines = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                for (int n : loaders) {
                    lines.add(String.format(Locale.ROOT, "run %d, %d loader(s): %,d rows in %d pages loaded at %,.0f rows/s",
                            run, n, rows, pages.size(), load(server, source, pages, n)));
                    System.out.println(lines.get(lines.size() - 1));
                }
            }
            System.out.println("---");
            lines.forEach(System.out::println);
        } finally {
            server.close();
        }
        return 0;
    }

    /** Loads every page (from {@code source}) into a fresh B with {@code n} loaders; returns rows per second. */
    private double load(PgServer server, NodeId source, List<SnapshotPage> pages, int n) throws Exception {
        String dbB = server.createDatabase("join_b");
        try {
            try (Connection c = server.connect(dbB)) {
                ReviewRows.createTable(c);
            }
            try (SyncNode b = SyncNode.open("b", server, dbB, pageRows)) {
                SyncStore store = b.store();
                ExecutorService pool = Executors.newFixedThreadPool(n);
                try {
                    long start = System.nanoTime();
                    List<Future<?>> loads = new ArrayList<>();
                    for (SnapshotPage page : pages) {
                        loads.add(pool.submit(() -> store.loadSnapshotPage(source, ReviewRows.TABLE, page)));
                    }
                    for (Future<?> f : loads) {
                        f.get();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    try (Connection c = server.connect(dbB); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT count(*) FROM " + ReviewRows.TABLE)) {
                        rs.next();
                        if (rs.getLong(1) != rows) {
                            throw new IllegalStateException("B holds " + rs.getLong(1) + " rows, expected " + rows);
                        }
                    }
                    return rows / seconds;
                } finally {
                    pool.shutdown();
                }
            }
        } finally {
            server.dropDatabase(dbB);
        }
    }
}
