package dev.peersync.bench;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Sizes and repetitions of one benchmark run. The sizes are the defaults of {@link BenchMain}; tests and
 * CI smoke runs pass small ones.
 *
 * @param runs           repetitions of every figure (median and min-max are over these)
 * @param backlogRows    rows written on A while B is stopped (figure 1)
 * @param steadyRows     rows written on A while B runs (figure 2)
 * @param writers        concurrent writer connections on A (figure 2)
 * @param latencySamples single-row commits per run (figure 3)
 * @param bootstrapRows  rows held by the node an empty node joins (figures 4 and 5)
 * @param repairRows     rows that differ between the two nodes in the repair figure (5)
 * @param captureRows    rows inserted per table in the capture-overhead figure (6)
 * @param meshRows       rows written on A of the three-node mesh, per write (figure 7)
 * @param bigTxRows      rows of the one transaction written on A in the big-transaction figure (8)
 * @param childHeap      -Xmx of the child JVM of the joining node (figure 4) and of B (figure 8), e.g. "256m"
 * @param pullBatchRows  rows per pull request of our engine
 * @param timeout        longest wait for any replica to converge
 * @param workloads      which workloads to run
 */
record BenchOptions(int runs, int backlogRows, int steadyRows, int writers, int latencySamples, int bootstrapRows,
                    int repairRows, int captureRows, int meshRows, int bigTxRows, String childHeap, int pullBatchRows,
                    Duration timeout,
                    Set<Workload> workloads) {

    /** The workloads, in the order they run. */
    enum Workload { BACKLOG, STEADY, LATENCY, BOOTSTRAP, INSYNC, CAPTURE, MESH, BIGTX, UPDATES }

    BenchOptions {
        positive(runs, "runs");
        positive(backlogRows, "backlogRows");
        positive(steadyRows, "steadyRows");
        positive(writers, "writers");
        positive(latencySamples, "latencySamples");
        positive(bootstrapRows, "bootstrapRows");
        positive(repairRows, "repairRows");
        positive(captureRows, "captureRows");
        positive(meshRows, "meshRows");
        positive(bigTxRows, "bigTxRows");
        positive(pullBatchRows, "pullBatchRows");
        Objects.requireNonNull(childHeap, "childHeap");
        if (!childHeap.matches("[0-9]+[kmgKMG]?")) {
            throw new IllegalArgumentException("childHeap must look like 256m, got: " + childHeap);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got: " + timeout);
        }
        workloads = workloads.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(workloads));
        if (writers > steadyRows) {
            throw new IllegalArgumentException("writers must not exceed steadyRows (" + steadyRows + "), got: " + writers);
        }
        if (repairRows > bootstrapRows) {
            throw new IllegalArgumentException("repairRows must not exceed bootstrapRows (" + bootstrapRows + "), got: "
                    + repairRows);
        }
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got: " + value);
        }
    }

    boolean runs(Workload workload) {
        return workloads.contains(workload);
    }
}
