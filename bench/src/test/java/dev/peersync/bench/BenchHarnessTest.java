package dev.peersync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.bench.BenchOptions.Workload;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Proves the benchmark harness works end to end at tiny sizes (real servers, real nodes, a child JVM): every line
 * of the table gets a positive, finite figure. It asserts nothing about speed; the figures live in
 * docs/benchmarks.md.
 */
class BenchHarnessTest {

    @Test
    void tiny_run_measures_every_figure_of_the_table() {
        BenchOptions options = new BenchOptions(1, 500, 500, 2, 20, 500, 10, 500, 500, 2000, "256m", 1000,
                Duration.ofSeconds(60), EnumSet.allOf(Workload.class));
        Benchmark benchmark = new Benchmark(options, Optional.empty(), false, System.err);

        BenchReport report = benchmark.run();

        Results results = report.results();
        assertThat(results.failures()).as("workloads that failed").isEmpty();
        for (Report.Line line : benchmark.table().lines()) {
            List<String> keys = line.baselineKey().map(b -> List.of(line.oursKey(), b)).orElse(List.of(line.oursKey()));
            for (String key : keys) {
                assertThat(results.summary(key)).as("figure %s (%s)", key, line.name()).isPresent();
                Summary s = results.summary(key).orElseThrow();
                assertThat(s.min()).as("smallest value of %s", key).isPositive();
                assertThat(Double.isFinite(s.max())).as("largest value of %s is finite", key).isTrue();
            }
        }
        assertThat(report.table()).hasSize(benchmark.table().lines().size() + 2);
        assertThat(report.lines()).anySatisfy(l -> assertThat(l).startsWith("cpu:"));
    }
}
