package dev.peersync.it.scenarios;

import static dev.peersync.it.scenarios.Scenarios.finish;

import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.check.WriteHistory.Order;
import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.it.fixture.ClusterOptions;
import dev.peersync.it.workload.KnownRows;
import dev.peersync.it.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 9: a randomised soak. Writers on every node (inserts, updates of one column at a time, so that nodes edit
 * different columns of one row concurrently, deletes, over all seven tables; usernames from a small pool shared by
 * the run's writers and named after its seed, so that the same name is registered on both sides of a partition in
 * every run, not only in the first on a cluster) while a nemesis kills and restarts nodes, partitions
 * nodes, cuts links, skews a node's clock and heals, for a fixed duration. Each run ends with the row-by-row checker and the write history,
 * checked column by column. The seed is printed at the start and in any failure: {@code -Dpeersync.soak.seed=<seed>}
 * replays the same choices. CI runs three seeds of 10 s ({@code peersync.soak.runs}, {@code peersync.soak.seconds});
 * {@code -Psoak} runs a hundred of 30 s.
 */
class SoakIT {
    private static final Duration DURATION = Duration.ofSeconds(Long.getLong("peersync.soak.seconds", 10));
    /** Runs, one seed each, on the same cluster: a few in CI, a hundred under {@code -Psoak}. */
    private static final int RUNS = Integer.getInteger("peersync.soak.runs", 3);

    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.threeNodes();

    @Test
    void s9_random_writes_kills_partitions_and_heals_converge_and_keep_the_history() {
        String configured = System.getProperty("peersync.soak.seed", "");
        long first = configured.isBlank() ? System.nanoTime() : Long.parseLong(configured.trim());
        int runs = configured.isBlank() ? RUNS : 1;
        long writes = 0;
        for (int run = 0; run < runs; run++) {
            long seed = first + run;
            System.out.println("[soak] run " + (run + 1) + " of " + runs + ": seed " + seed + ", duration "
                    + DURATION.toSeconds() + " s");
            try {
                writes += soak(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("Soak failed with seed " + seed + " (replay: -Dpeersync.soak.seed=" + seed
                        + "): " + e.getMessage(), e);
            }
        }
        // Every run ended with the row-by-row checker and the write history: a lost write fails the run above.
        System.out.println("[soak] " + runs + " run(s), " + writes + " acknowledged writes, 0 lost");
    }

    /** One seeded run; returns the writes acknowledged. */
    private long soak(long seed) {
        Cluster cluster = nodes.cluster();
        Random random = new Random(seed);
        WriteHistory history = WriteHistory.forReviewSchema();
        Workload writers = new Workload(cluster.nodes(), history, new KnownRows(), seed, 30).start();
        List<String> faults = new ArrayList<>();
        long end = System.nanoTime() + DURATION.toNanos();
        java.util.concurrent.atomic.AtomicBoolean skewed = new java.util.concurrent.atomic.AtomicBoolean();
        while (System.nanoTime() < end) {
            faults.add(nemesis(cluster, writers, random, skewed));
            // hold the fault (or the calm) for 1-4 s while the writers go on
            LockSupport.parkNanos(Duration.ofMillis(1_000 + random.nextInt(3_000)).toNanos());
        }
        cluster.resetFaults();
        cluster.nodes().forEach(writers::resume);
        Scenarios.awaitAtLeast("writes on the healed cluster", writers::acknowledged, writers.acknowledged() + 50);
        writers.stop();
        System.out.println("[soak] faults: " + faults);
        System.out.println("[soak] acknowledged writes: " + history.acknowledgedCounts());

        // With a clock skewed on purpose, wall-clock order says nothing about which version is higher: any value
        // written to a column may win it (still present, and written by someone).
        finish("9 soak " + DURATION.toSeconds() + " s, seed " + seed, cluster, history,
                skewed.get() ? Order.NONE : Order.REAL_TIME);
        // The run's own pooled names: accounts kept under a twin name (a collision within this run, settled).
        System.out.println("[soak] pooled usernames " + Workload.poolOf(seed) + "-*: " + cluster.node(1).column(
                "SELECT count(*) FROM users WHERE username LIKE '" + Workload.poolOf(seed) + "-%'").get(0)
                + ", renamed by a collision: " + cluster.node(1).column("SELECT count(*) FROM users WHERE"
                + " renamed_by_conflict AND username LIKE 'twin-%-" + Workload.poolOf(seed) + "-%'").get(0));
        return writers.acknowledged();
    }

    /** One random fault, or the repair of all faults; returns what it did. */
    private static String nemesis(Cluster cluster, Workload writers, Random random,
                                  java.util.concurrent.atomic.AtomicBoolean skewed) {
        List<ClusterNode> nodes = cluster.nodes();
        ClusterNode victim = nodes.get(random.nextInt(nodes.size()));
        ClusterNode other = nodes.get((nodes.indexOf(victim) + 1 + random.nextInt(nodes.size() - 1)) % nodes.size());
        switch (random.nextInt(7)) {
            case 0 -> {
                if (victim.isRunning()) {
                    cluster.kill(victim);
                    writers.pause(victim);
                    return "kill " + victim.name();
                }
                cluster.restart(victim);
                writers.resume(victim);
                return "restart " + victim.name();
            }
            case 1 -> {
                cluster.partition(victim);
                return "partition " + victim.name();
            }
            case 2 -> {
                cluster.cut(victim, other);
                return "cut " + victim.name() + "<->" + other.name();
            }
            case 3 -> {
                cluster.cutOneWay(victim, other);
                return "cut " + victim.name() + "->" + other.name();
            }
            case 4 -> {
                cluster.heal(victim);
                return "heal " + victim.name();
            }
            case 5 -> {
                // A clock 0.5-3 s off either way (well inside MAX_CLOCK_OFFSET_MS): restarts the node.
                long offset = (500 + random.nextInt(2_500)) * (random.nextBoolean() ? 1L : -1L);
                writers.pause(victim);
                cluster.skewClock(victim, Duration.ofMillis(offset));
                writers.resume(victim);
                skewed.set(true);
                return "skew " + victim.name() + " " + offset + " ms";
            }
            default -> {
                cluster.resetFaults();
                nodes.forEach(writers::resume);
                return "heal all, restart all";
            }
        }
    }
}
