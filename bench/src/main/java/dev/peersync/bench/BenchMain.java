package dev.peersync.bench;

import dev.peersync.bench.BenchOptions.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the benchmark (issue 8). Defaults are the sizes; see docs/benchmarks.md for the command.
 * Prints machine details and the table to standard output, progress to standard error.
 */
@Command(name = "peersync-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks peersync against PostgreSQL's native logical replication on embedded servers.")
public final class BenchMain implements Callable<Integer> {

    @Option(names = "--runs", defaultValue = "3", description = "Repetitions of every figure (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--backlog-rows", defaultValue = "100000", description = "Figure 1 backlog (default: ${DEFAULT-VALUE}).")
    int backlogRows;

    @Option(names = "--steady-rows", defaultValue = "100000", description = "Figure 2 rows (default: ${DEFAULT-VALUE}).")
    int steadyRows;

    @Option(names = "--writers", defaultValue = "2", description = "Figure 2 writer connections (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--latency-samples", defaultValue = "300", description = "Figure 3 samples per run (default: ${DEFAULT-VALUE}).")
    int latencySamples;

    @Option(names = "--bootstrap-rows", defaultValue = "1000000", description = "Figures 4-5 table size (default: ${DEFAULT-VALUE}).")
    int bootstrapRows;

    @Option(names = "--repair-rows", defaultValue = "10", description = "Figure 5 differing rows (default: ${DEFAULT-VALUE}).")
    int repairRows;

    @Option(names = "--capture-rows", defaultValue = "100000", description = "Figure 6 rows per table (default: ${DEFAULT-VALUE}).")
    int captureRows;

    @Option(names = "--mesh-rows", defaultValue = "100000", description = "Figure 7 rows per write (default: ${DEFAULT-VALUE}).")
    int meshRows;

    @Option(names = "--bigtx-rows", defaultValue = "1000000", description = "Figure 8 rows in the one transaction (default: ${DEFAULT-VALUE}).")
    int bigTxRows;

    @Option(names = "--child-heap", defaultValue = "256m", description = "-Xmx of the node in a child JVM, figures 4 and 8 (default: ${DEFAULT-VALUE}).")
    String childHeap;

    @Option(names = "--pull-batch-rows", defaultValue = "2500", description = "Rows per pull request (default: ${DEFAULT-VALUE}, the engine's default).")
    int pullBatchRows;

    @Option(names = "--timeout-seconds", defaultValue = "600", description = "Longest wait for a replica (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--workloads", split = ",", description = "Subset to run: ${COMPLETION-CANDIDATES} (default: all).")
    List<Workload> workloads;

    @Option(names = "--jfr-dir", description = "Record the joining node of figure 4 with JFR into this directory.")
    Path jfrDir;

    @Option(names = "--pg-stats", description = "Profile the database side with pg_stat_statements; print the top statements.")
    boolean pgStats;

    @Option(names = "--out", description = "Also write the report (Markdown) to this file.")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        BenchOptions options = new BenchOptions(runs, backlogRows, steadyRows, writers, latencySamples, bootstrapRows,
                repairRows, captureRows, meshRows, bigTxRows, childHeap, pullBatchRows, Duration.ofSeconds(timeoutSeconds),
                workloads == null || workloads.isEmpty() ? EnumSet.allOf(Workload.class) : EnumSet.copyOf(workloads));
        BenchReport report = new Benchmark(options, java.util.Optional.ofNullable(jfrDir), pgStats, System.err).run();
        List<String> lines = report.lines();
        lines.forEach(System.out::println);
        if (out != null) {
            Files.write(out, lines);
        }
        return report.results().failures().isEmpty() ? 0 : 1;
    }
}
