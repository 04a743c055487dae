package dev.peersync.bench;

import dev.peersync.bench.BenchOptions.Workload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs the benchmark: starts the PostgreSQL servers, runs every selected workload {@code runs} times on our
 * sync and on the baseline (interleaved, so that background load hits both alike), and builds the report.
 * A workload that fails is reported as not measured, with the reason; the others still run.
 */
final class Benchmark {
    private final BenchOptions options;
    private final Optional<Path> jfrDir;
    private final boolean statementStats;
    private final PrintStream log;
    private final Results results = new Results();

    /**
     * @param jfrDir where the joining node of figure 4 writes a flight recording per run, if anywhere
     * @param statementStats collect pg_stat_statements on both servers and print the top statements at the end
     * @param log    progress lines
     */
    Benchmark(BenchOptions options, Optional<Path> jfrDir, boolean statementStats, PrintStream log) {
        this.options = options;
        this.jfrDir = jfrDir;
        this.statementStats = statementStats;
        this.log = log;
    }

    /** A step that may fail; its failure marks {@code keys} as not measured. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    BenchReport run() {
        try (PgServer a = PgServer.start("A", true, statementStats);
             PgServer b = PgServer.start("B", false, statementStats);
             // The third node's server, for the mesh figure only (a server costs memory and start-up time).
             PgServer c = options.runs(Workload.MESH) ? PgServer.start("C", false, statementStats) : null) {
            MachineInfo machine = MachineInfo.collect(a.describe());
            machine.describe().forEach(log::println);
            ReplicationWorkloads replication = new ReplicationWorkloads(results, options.timeout());
            SyncChecks checks = new SyncChecks(results, options.timeout());
            for (int run = 1; run <= options.runs(); run++) {
                long seed = 1000L * run;
                for (String system : List.of("ours", "native")) {
                    runReplication(run, system, a, b, replication, checks, seed);
                }
            }
            if (options.runs(Workload.BOOTSTRAP) || options.runs(Workload.INSYNC)) {
                runBootstrap(a, b, checks);
            }
            if (options.runs(Workload.CAPTURE)) {
                CaptureWorkload capture = new CaptureWorkload(a, options, results);
                for (int run = 1; run <= options.runs(); run++) {
                    int r = run;
                    step(run, "capture overhead", List.of("capture.synced.rate", "capture.plain.rate"),
                            () -> capture.run(r));
                }
            }
            if (options.runs(Workload.MESH)) {
                MeshWorkload mesh = new MeshWorkload(results, options.timeout());
                for (int run = 1; run <= options.runs(); run++) {
                    for (String system : List.of("ours", "native")) {
                        runMesh(run, system, a, b, c, mesh, 1000L * run + 3);
                    }
                }
            }
            if (options.runs(Workload.BIGTX)) {
                runBigTransaction(a, b);
            }
            if (statementStats) {
                log.println("Top statements by total time (pg_stat_statements, track=all):");
                a.topStatements(40).forEach(log::println);
                b.topStatements(40).forEach(log::println);
                if (c != null) {
                    c.topStatements(40).forEach(log::println);
                }
            }
            return new BenchReport(machine.describe(), settings(), table().render(results), results.notes(),
                    MachineInfo.currentLoadAverage(), results);
        }
    }

    private void runReplication(int run, String system, PgServer a, PgServer b, ReplicationWorkloads w,
                                SyncChecks checks, long seed) {
        if (options.runs(Workload.BACKLOG)) {
            List<String> keys = new java.util.ArrayList<>(keys("backlog", system, "rate", "seconds"));
            boolean checkAfter = system.equals("ours") && options.runs(Workload.INSYNC);
            if (checkAfter) {
                keys.addAll(keys("insyncSmall", system, "bytes", "ms", "roundTrips"));
            }
            step(run, system + " backlog", keys, () -> {
                try (ReplicaPair pair = pair(system, a, b)) {
                    w.backlog(pair, options.backlogRows(), seed);
                    observe(run, system + " backlog", pair);
                    if (checkAfter && pair instanceof OursPair ours) {
                        // Figure 5 at a tenth of the size: the check's cost must not grow with the table.
                        checks.inSync(ours.nodeA(), ours.nodeB(), "insyncSmall.ours");
                    }
                }
            });
        }
        if (options.runs(Workload.UPDATES)) {
            step(run, system + " backlog of updates", keys("updates", system, "rate", "seconds"), () -> {
                try (ReplicaPair pair = pair(system, a, b)) {
                    w.updateBacklog(pair, options.backlogRows(), seed + 3);
                    observe(run, system + " backlog of updates", pair);
                }
            });
        }
        if (options.runs(Workload.STEADY)) {
            step(run, system + " steady", keys("steady", system, "rate", "writeRate", "lagMs"), () -> {
                try (ReplicaPair pair = pair(system, a, b)) {
                    w.steady(pair, options.steadyRows(), options.writers(), seed + 1);
                    observe(run, system + " steady", pair);
                }
            });
        }
        if (options.runs(Workload.LATENCY)) {
            step(run, system + " latency", keys("latency", system, "p50", "p99"), () -> {
                try (ReplicaPair pair = pair(system, a, b)) {
                    w.latency(pair, options.latencySamples(), seed + 2);
                    observe(run, system + " latency", pair);
                }
            });
        }
    }

    /** Figure 7: each write on a fresh mesh, ours and native alike. */
    private void runMesh(int run, String system, PgServer a, PgServer b, PgServer c, MeshWorkload w, long seed) {
        String[] metrics = system.equals("ours")
                ? new String[] {"rate", "appliedB", "appliedC", "receivedB", "receivedC"}
                : new String[] {"rate"};
        String rows = String.format(Locale.ROOT, "%,d", options.meshRows());
        step(run, system + " mesh, one " + rows + "-row statement", keys(MeshWorkload.STATEMENT, system, metrics), () -> {
            try (ReplicaMesh mesh = mesh(system, a, b, c)) {
                w.oneStatement(run, mesh, options.meshRows(), seed);
            }
        });
        step(run, system + " mesh, " + rows + " rows in 1,000-row transactions", keys(MeshWorkload.TRANSACTIONS, system,
                metrics), () -> {
            try (ReplicaMesh mesh = mesh(system, a, b, c)) {
                w.transactions(run, mesh, options.meshRows(), seed + 1);
            }
        });
    }

    private ReplicaMesh mesh(String system, PgServer a, PgServer b, PgServer c) throws Exception {
        if (system.equals("native")) {
            return NativeMesh.create(a, b, c);
        }
        return OursMesh.create(a, b, c, options.pullBatchRows());
    }

    /** Figure 8: ours (B in a child JVM) and native, interleaved run by run, the same rows in both. */
    private void runBigTransaction(PgServer a, PgServer b) {
        BigTxWorkload w = new BigTxWorkload(a, b, options, results, log);
        String rows = String.format(Locale.ROOT, "%,d", options.bigTxRows());
        for (int run = 1; run <= options.runs(); run++) {
            long seed = 1000L * run + 4;
            step(run, "ours: one " + rows + "-row transaction into B at -Xmx" + options.childHeap() + " (child JVM)",
                    keys("bigtx", "ours", "seconds", "rate", "heapMb", "rssMb"), () -> w.ours(seed));
            step(run, "native: one " + rows + "-row transaction", keys("bigtx", "native", "seconds"),
                    () -> w.nativeBaseline(seed));
        }
    }

    private void observe(int run, String what, ReplicaPair pair) {
        String seen = pair.observations();
        if (!seen.isEmpty()) {
            results.note("run " + run + ", " + what + ": " + seen);
        }
    }

    private ReplicaPair pair(String system, PgServer a, PgServer b) throws Exception {
        if (system.equals("native")) {
            return NativePair.create(a, b);
        }
        return OursPair.create(a, b, options.pullBatchRows());
    }

    /** Figures 4 and 5: A is loaded once; each run joins an empty node and streams the COPY baseline. */
    private void runBootstrap(PgServer a, PgServer b, SyncChecks checks) {
        List<String> bootKeys = List.of("bootstrap.ours.seconds", "bootstrap.ours.rate", "bootstrap.ours.heapMb",
                "bootstrap.ours.rssMb", "bootstrap.copy.seconds");
        List<String> checkKeys = List.of("insync.ours.bytes", "insync.ours.ms", "insync.ours.roundTrips",
                "repair.ours.bytes", "repair.ours.ms", "repair.ours.roundTrips");
        List<String> all = new java.util.ArrayList<>(bootKeys);
        all.addAll(checkKeys);
        BootstrapWorkload[] prepared = new BootstrapWorkload[1];
        step(0, "loading " + options.bootstrapRows() + " rows on A for bootstrap", all,
                () -> prepared[0] = BootstrapWorkload.prepare(a, b, options, results, jfrDir));
        if (prepared[0] == null) {
            return;
        }
        try (BootstrapWorkload boot = prepared[0]) {
            for (int run = 1; run <= options.runs(); run++) {
                int r = run;
                step(run, "bootstrap (joining node in a child JVM)", bootKeys.subList(0, 4), () -> boot.join(r));
                step(run, "bootstrap baseline (COPY stream)", bootKeys.subList(4, 5), boot::copyBaseline);
            }
            if (options.runs(Workload.INSYNC)) {
                step(0, "in-sync check and repair", checkKeys, () -> boot.checks(checks, options.runs()));
            }
        } catch (Exception e) {
            results.note("Cleaning up after figures 4-5 failed (the figures stand): " + e);
        }
    }

    private static List<String> keys(String workload, String system, String... metrics) {
        return java.util.Arrays.stream(metrics).map(m -> workload + "." + system + "." + m).toList();
    }

    /** Runs one measured step, logging its duration; a failure marks its keys as not measured. */
    void step(int run, String what, List<String> keys, Step body) {
        long start = System.nanoTime();
        log.printf(Locale.ROOT, "run %d: %s ...%n", run, what);
        try {
            body.run();
            log.printf(Locale.ROOT, "run %d: %s done in %.1f s%n", run, what, (System.nanoTime() - start) / 1e9);
        } catch (Exception | Error e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.printf(Locale.ROOT, "run %d: %s FAILED: %s%n", run, what, reason);
            keys.forEach(k -> results.fail(k, reason));
        }
    }

    private String settings() {
        return String.format(Locale.ROOT, "runs=%d backlog=%d steady=%d writers=%d latency-samples=%d bootstrap=%d "
                        + "repair=%d capture=%d mesh=%d bigtx=%d child-heap=%s pull-batch=%d workloads=%s",
                options.runs(), options.backlogRows(), options.steadyRows(), options.writers(), options.latencySamples(),
                options.bootstrapRows(), options.repairRows(), options.captureRows(), options.meshRows(),
                options.bigTxRows(), options.childHeap(), options.pullBatchRows(), options.workloads());
    }

    /** The figures of issue 8 (1-6) and issue 13 (7-8, 9: replicated updates), in their order, with their targets. */
    Report table() {
        String n = String.format(Locale.ROOT, "%,d", options.bootstrapRows());
        Report report = new Report()
                .line("1", "Backlog catch-up, rows/s (baseline: native logical replication)",
                        "backlog.ours.rate", "backlog.native.rate",
                        Report.Target.of(">= 0.5 x native", (o, b) -> o >= 0.5 * b.orElseThrow()))
                .line("2", "Steady replication, rows/s until B has all (baseline: native)",
                        "steady.ours.rate", "steady.native.rate", Report.Target.NONE)
                .line("2", "Steady replication: B's lag after A's last commit, ms (baseline: native)",
                        "steady.ours.lagMs", "steady.native.lagMs", Report.Target.NONE)
                .line("2", "Steady replication: A's write rate while replicating, rows/s (baseline: native)",
                        "steady.ours.writeRate", "steady.native.writeRate", Report.Target.NONE)
                .line("3", "Latency commit on A -> visible on B, p50 ms (baseline: native)",
                        "latency.ours.p50", "latency.native.p50", Report.Target.NONE)
                .line("3", "Latency commit on A -> visible on B, p99 ms (baseline: native)",
                        "latency.ours.p99", "latency.native.p99", Report.Target.of("< 20 ms", (o, b) -> o < 20))
                .line("4", "Bootstrap of " + n + " rows, s (baseline: COPY stream A -> B)",
                        "bootstrap.ours.seconds", "bootstrap.copy.seconds",
                        Report.Target.of("<= 1.5 x the COPY stream", (o, b) -> o <= 1.5 * b.orElseThrow()))
                .line("4", "Bootstrap rate, rows/s", "bootstrap.ours.rate", Report.Target.NONE)
                .line("4", "Bootstrap: joining node's peak heap used, MiB (-Xmx" + options.childHeap() + ")",
                        "bootstrap.ours.heapMb", Report.Target.NONE)
                .line("4", "Bootstrap: joining node's peak RSS (VmHWM), MiB",
                        "bootstrap.ours.rssMb", Report.Target.NONE)
                .line("5", "In-sync check, " + n + " identical rows: bytes exchanged",
                        "insync.ours.bytes", Report.Target.of("< 16 KB", (o, b) -> o < 16 * 1024))
                .line("5", "In-sync check, " + n + " identical rows: time, ms",
                        "insync.ours.ms", Report.Target.of("< 50 ms", (o, b) -> o < 50))
                .line("5", "In-sync check, " + n + " identical rows: round trips",
                        "insync.ours.roundTrips", Report.Target.NONE)
                .line("5", "In-sync check, " + String.format(Locale.ROOT, "%,d", options.backlogRows())
                                + " identical rows: bytes exchanged",
                        "insyncSmall.ours.bytes", Report.Target.of("< 16 KB", (o, b) -> o < 16 * 1024))
                .line("5", "In-sync check, " + String.format(Locale.ROOT, "%,d", options.backlogRows())
                                + " identical rows: time, ms",
                        "insyncSmall.ours.ms", Report.Target.of("< 50 ms", (o, b) -> o < 50))
                .line("5", "Repair of " + options.repairRows() + " differing rows: bytes exchanged",
                        "repair.ours.bytes", Report.Target.of("< 64 KB", (o, b) -> o < 64 * 1024))
                .line("5", "Repair of " + options.repairRows() + " differing rows: round trips",
                        "repair.ours.roundTrips", Report.Target.NONE)
                .line("5", "Repair of " + options.repairRows() + " differing rows: time, ms",
                        "repair.ours.ms", Report.Target.NONE)
                .line("6", "Capture overhead: insert rate, rows/s (baseline: same table without capture)",
                        "capture.synced.rate", "capture.plain.rate",
                        Report.Target.of(">= 0.7 x plain", (o, b) -> o >= 0.7 * b.orElseThrow()))
                .line("6", "Capture overhead: update rate, two of eight columns, rows/s (baseline: same table without"
                                + " capture)", "capture.synced.updateRate", "capture.plain.updateRate", Report.Target.NONE);
        meshLines(report, MeshWorkload.STATEMENT, "one " + String.format(Locale.ROOT, "%,d", options.meshRows())
                + "-row statement on A");
        meshLines(report, MeshWorkload.TRANSACTIONS, String.format(Locale.ROOT, "%,d", options.meshRows())
                + " rows in 1,000-row transactions on A");
        String tx = "One " + String.format(Locale.ROOT, "%,d", options.bigTxRows()) + "-row transaction A -> B";
        report.line("9", "Backlog of updates, two of eight columns of " + String.format(Locale.ROOT, "%,d",
                        options.backlogRows()) + " rows B holds, rows/s (baseline: native)",
                "updates.ours.rate", "updates.native.rate", Report.Target.NONE);
        return report
                .line("8", tx + ": time until B has it, s (baseline: native)",
                        "bigtx.ours.seconds", "bigtx.native.seconds", Report.Target.NONE)
                .line("8", tx + ": rate, rows/s", "bigtx.ours.rate", Report.Target.NONE)
                // A heap figure exists only when B applied the whole transaction and stopped cleanly; an
                // OutOfMemoryError leaves the line "not measured" with that reason.
                .line("8", tx + ": B's peak heap used, MiB (-Xmx" + options.childHeap() + ")", "bigtx.ours.heapMb",
                        Report.Target.of("completes at -Xmx" + options.childHeap(), (o, b) -> true))
                .line("8", tx + ": B's peak RSS (VmHWM), MiB", "bigtx.ours.rssMb", Report.Target.NONE);
    }

    /** Figure 7's lines for one of its two writes. */
    private static void meshLines(Report report, String workload, String write) {
        Report.Target once = Report.Target.of("1.0", (o, b) -> Math.abs(o - 1.0) < 1e-9);
        report.line("7", "Mesh of 3, " + write + ": rows/s until B and C both have them (baseline: native, B and C"
                                + " subscribed to A)", workload + ".ours.rate", workload + ".native.rate",
                        Report.Target.of(">= 0.5 x native", (o, b) -> o >= 0.5 * b.orElseThrow()))
                .line("7", "Mesh of 3, " + write + ": rows applied on B per row written", workload + ".ours.appliedB",
                        once)
                .line("7", "Mesh of 3, " + write + ": rows applied on C per row written", workload + ".ours.appliedC",
                        once)
                .line("7", "Mesh of 3, " + write + ": rows received by B per row written", workload + ".ours.receivedB",
                        Report.Target.NONE)
                .line("7", "Mesh of 3, " + write + ": rows received by C per row written", workload + ".ours.receivedC",
                        Report.Target.NONE);
    }
}
