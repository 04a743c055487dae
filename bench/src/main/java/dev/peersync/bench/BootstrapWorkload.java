package dev.peersync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Figures 4 and 5. A holds {@code rows} rows (loaded once with COPY through the capture triggers, so they are in
 * its feed like any write); for each run an empty database on server B joins it through a {@link BootstrapNode}
 * in a child JVM with a small heap, and the baseline streams the same table into another empty database with
 * COPY. The last joined database then runs in-process beside A for the in-sync and repair figures.
 */
final class BootstrapWorkload implements AutoCloseable {
    private final PgServer a;
    private final PgServer b;
    private final BenchOptions options;
    private final Results results;
    private final Optional<Path> jfrDir;
    private final String dbA;
    private final SyncNode nodeA;
    private final List<UUID> sentinels;
    private final TableState stateA;
    private final List<String> joinedDatabases = new ArrayList<>();

    private BootstrapWorkload(PgServer a, PgServer b, BenchOptions options, Results results, Optional<Path> jfrDir,
                              String dbA, SyncNode nodeA, List<UUID> sentinels, TableState stateA) {
        this.a = a;
        this.b = b;
        this.options = options;
        this.results = results;
        this.jfrDir = jfrDir;
        this.dbA = dbA;
        this.nodeA = nodeA;
        this.sentinels = sentinels;
        this.stateA = stateA;
    }

    /** Creates A's database, installs the store, loads the rows and starts A's node. */
    static BootstrapWorkload prepare(PgServer a, PgServer b, BenchOptions options, Results results,
                                     Optional<Path> jfrDir) throws Exception {
        String dbA = a.createDatabase("boot_a");
        try (Connection c = a.connect(dbA)) {
            ReviewRows.createTable(c);
        }
        SyncNode nodeA = SyncNode.open("a", a, dbA, options.pullBatchRows());
        List<UUID> sentinels;
        TableState state;
        try (Connection c = a.connect(dbA)) {
            long start = System.nanoTime();
            new ReviewRows(42).copy(c, options.bootstrapRows());
            results.note(String.format(java.util.Locale.ROOT, "Loading A for figures 4-5: %,d rows by COPY through the "
                    + "capture triggers took %.1f s.", options.bootstrapRows(), (System.nanoTime() - start) / 1e9));
            sentinels = List.of(lastRow(c, "ctid"), lastRow(c, "id"));
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE " + ReviewRows.TABLE);
            }
            state = TableState.read(c);
        }
        nodeA.start(List.of());
        return new BootstrapWorkload(a, b, options, results, jfrDir, dbA, nodeA, sentinels, state);
    }

    /**
     * The last row by {@code order}: by ctid the newest (the last COPY wrote, which the feed serves last), by id the
     * highest key (which a snapshot serves last). The joiner counts its rows only once both are there: counting a
     * 1,000,000-row table takes ~130 ms of a core that the join itself needs.
     */
    private static UUID lastRow(Connection c, String order) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + ReviewRows.TABLE + " ORDER BY " + order
                + " DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, UUID.class);
        }
    }

    /** One run of figure 4: an empty node joins A in a child JVM. */
    void join(int run) throws Exception {
        String db = b.createDatabase("boot_b");
        joinedDatabases.add(db);
        try (Connection c = b.connect(db)) {
            ReviewRows.createTable(c);
        }
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx" + options.childHeap(),
                "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        jfrDir.ifPresent(dir -> command.add("-XX:StartFlightRecording=filename="
                + dir.resolve("bootstrap-run" + run + ".jfr").toAbsolutePath() + ",settings=profile"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BootstrapNode.class.getName(),
                b.jdbcUrl(db), nodeA.nodeId().value().toString(), Integer.toString(nodeA.port()),
                sentinels.stream().map(UUID::toString).collect(java.util.stream.Collectors.joining(",")),
                Long.toString(stateA.rows()), Long.toString(stateA.hash()), Integer.toString(options.pullBatchRows()),
                Long.toString(options.timeout().toSeconds())));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(BootstrapNode.RESULT + " ")) {
                    result = line;
                }
            }
        }
        if (!child.waitFor(options.timeout().toSeconds() + 30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IllegalStateException("the joining node's JVM did not exit");
        }
        if (child.exitValue() != 0 || result == null) {
            throw new IllegalStateException("the joining node's JVM exited with " + child.exitValue()
                    + (result == null ? " without a result line (see its output above)" : ""));
        }
        double seconds = field(result, "seconds");
        results.add("bootstrap.ours.seconds", seconds);
        results.add("bootstrap.ours.rate", stateA.rows() / seconds);
        results.add("bootstrap.ours.heapMb", field(result, "heapMb"));
        results.add("bootstrap.ours.rssMb", field(result, "rssMb"));
        try (Connection c = b.connect(db)) {
            TableState joined = TableState.read(c);
            if (!joined.equals(stateA)) {
                throw new IllegalStateException("the joined node holds " + joined + ", A holds " + stateA);
            }
        }
    }

    /** One run of the baseline: A's table streamed into an empty table on B by COPY. */
    void copyBaseline() throws Exception {
        String db = b.createDatabase("boot_copy");
        try {
            try (Connection c = b.connect(db)) {
                ReviewRows.createTable(c);
            }
            try (Connection from = a.connect(dbA); Connection to = b.connect(db)) {
                long start = System.nanoTime();
                CopyBaseline.copy(from, to);
                results.add("bootstrap.copy.seconds", (System.nanoTime() - start) / 1e9);
            }
        } finally {
            b.dropDatabase(db);
        }
    }

    /** Figure 5 on A and the last joined database (run in-process now), {@code runs} times each. */
    void checks(SyncChecks checks, int runs) throws Exception {
        if (joinedDatabases.isEmpty()) {
            throw new IllegalStateException("no node joined A (the bootstrap figure failed), nothing to compare");
        }
        String db = joinedDatabases.get(joinedDatabases.size() - 1);
        try (SyncNode nodeB = SyncNode.open("b", b, db, options.pullBatchRows());
             Connection connA = a.connect(dbA); Connection connB = b.connect(db)) {
            nodeB.start(List.of(nodeA));
            nodeA.addPeer(nodeB.nodeId(), nodeB.port());
            for (int run = 1; run <= runs; run++) {
                checks.inSync(nodeA, nodeB, "insync.ours");
            }
            for (int run = 1; run <= runs; run++) {
                checks.repair(nodeA, nodeB, connA, connB, options.repairRows(), run, "repair.ours");
            }
        }
    }

    private static double field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Double.parseDouble(part.substring(name.length() + 1));
            }
        }
        throw new IllegalStateException("no " + name + " in the joining node's result: " + line);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() throws Exception {
        nodeA.close();
        for (String db : joinedDatabases) {
            b.dropDatabase(db);
        }
        a.dropDatabase(dbA);
    }
}
