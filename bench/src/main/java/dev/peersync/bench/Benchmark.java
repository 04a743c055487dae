package dev.peersync.bench;

import dev.peersync.bench.BenchOptions.Workload;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Runs the benchmark: starts the PostgreSQL servers, runs every selected workload {@code runs} times on our
 * sync and on the baseline (interleaved, so that background load hits both alike), and builds the report.
 * A workload that fails is reported as not measured, with the reason; the others still run.
 */
final class Benchmark {
    private final BenchOptions options;
    private final PrintStream log;
    private final Results results = new Results();

    Benchmark(BenchOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** A step that may fail; its failure marks {@code keys} as not measured. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    BenchReport run() {
        try (PgServer a = PgServer.start("A", true); PgServer b = PgServer.start("B", false)) {
            MachineInfo machine = MachineInfo.collect(a.describe());
            machine.describe().forEach(log::println);
            ReplicationWorkloads replication = new ReplicationWorkloads(results, options.timeout());
            for (int run = 1; run <= options.runs(); run++) {
                long seed = 1000L * run;
                for (String system : List.of("ours", "native")) {
                    runReplication(run, system, a, b, replication, seed);
                }
            }
            return new BenchReport(machine.describe(), settings(), table().render(results), results.notes(),
                    MachineInfo.currentLoadAverage(), results);
        }
    }

    private void runReplication(int run, String system, PgServer a, PgServer b, ReplicationWorkloads w, long seed) {
        if (options.runs(Workload.BACKLOG)) {
            step(run, system + " backlog", keys("backlog", system, "rate", "seconds"), () -> {
                try (ReplicaPair pair = pair(system, a, b)) {
                    w.backlog(pair, options.backlogRows(), seed);
                }
            });
        }
        if (options.runs(Workload.STEADY)) {
            step(run, system + " steady", keys("steady", system, "rate", "writeRate", "lagMs"), () -> {
                try (ReplicaPair pair = pair(system, a, b)) {
                    w.steady(pair, options.steadyRows(), options.writers(), seed + 1);
                }
            });
        }
        if (options.runs(Workload.LATENCY)) {
            step(run, system + " latency", keys("latency", system, "p50", "p99"), () -> {
                try (ReplicaPair pair = pair(system, a, b)) {
                    w.latency(pair, options.latencySamples(), seed + 2);
                }
            });
        }
    }

    private ReplicaPair pair(String system, PgServer a, PgServer b) throws Exception {
        if (system.equals("native")) {
            return NativePair.create(a, b);
        }
        throw new UnsupportedOperationException("our sync is not wired into the benchmark yet");
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
                        + "repair=%d capture=%d child-heap=%s pull-batch=%d workloads=%s",
                options.runs(), options.backlogRows(), options.steadyRows(), options.writers(), options.latencySamples(),
                options.bootstrapRows(), options.repairRows(), options.captureRows(), options.childHeap(),
                options.pullBatchRows(), options.workloads());
    }

    /** The figures of issue 8, in its order, with its targets. */
    Report table() {
        String n = String.format(Locale.ROOT, "%,d", options.bootstrapRows());
        return new Report()
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
                        "latency.ours.p99", "latency.native.p99", Report.Target.of("< 50 ms", (o, b) -> o < 50))
                .line("4", "Bootstrap of " + n + " rows, s (baseline: COPY stream A -> B)",
                        "bootstrap.ours.seconds", "bootstrap.copy.seconds",
                        Report.Target.of("faster than dump and restore", (o, b) -> o < b.orElseThrow()))
                .line("4", "Bootstrap: joining node's peak heap used, MiB (-Xmx" + options.childHeap() + ")",
                        "bootstrap.ours.heapMb", Report.Target.NONE)
                .line("4", "Bootstrap: joining node's peak RSS (VmHWM), MiB",
                        "bootstrap.ours.rssMb", Report.Target.NONE)
                .line("5", "In-sync check, " + n + " identical rows: bytes exchanged",
                        "insync.ours.bytes", Report.Target.of("< 16 KB", (o, b) -> o < 16 * 1024))
                .line("5", "In-sync check, " + n + " identical rows: time, ms",
                        "insync.ours.ms", Report.Target.of("< 50 ms", (o, b) -> o < 50))
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
                        Report.Target.of(">= 0.6 x plain", (o, b) -> o >= 0.6 * b.orElseThrow()));
    }
}
