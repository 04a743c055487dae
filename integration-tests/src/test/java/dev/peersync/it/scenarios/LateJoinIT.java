package dev.peersync.it.scenarios;

import static dev.peersync.it.scenarios.Scenarios.awaitAtLeast;
import static dev.peersync.it.scenarios.Scenarios.counter;
import static dev.peersync.it.scenarios.Scenarios.finish;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.it.check.Convergence;
import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.check.WriteHistory.Order;
import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.it.fixture.ClusterOptions;
import dev.peersync.it.workload.KnownRows;
import dev.peersync.it.workload.Workload;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 8: a node joining late with an empty database bootstraps everything, in bounded memory: it runs with a
 * heap smaller than the data it must receive, so a node that held a whole table (or a whole response) in memory
 * would die of OutOfMemoryError.
 */
class LateJoinIT {
    /** Megabytes of product descriptions node 1 holds before the late node joins (CI default; raise under -Psoak). */
    private static final int DATA_MEGABYTES = Integer.getInteger("peersync.latejoin.megabytes", 48);
    private static final String JOINER_HEAP = System.getProperty("peersync.latejoin.heap", "-Xmx96m");

    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.of(ClusterOptions.builder().nodes(2));

    @Test
    void s8_node_joining_late_with_an_empty_database_receives_everything_in_bounded_memory() throws SQLException {
        Cluster cluster = nodes.cluster();
        WriteHistory history = WriteHistory.forReviewSchema();
        KnownRows known = new KnownRows();
        int bulkRows = DATA_MEGABYTES * 1024 / 2; // 2 KB descriptions
        Scenarios.bulkProducts(cluster.node(1), bulkRows, 2048);
        Workload writers = new Workload(cluster.nodes(), history, known, 88, 100).start();
        awaitAtLeast("writes over all tables before the join", writers::acknowledged, 400);
        writers.stop();
        cluster.awaitConvergence(Scenarios.CONVERGE);

        ClusterNode late = cluster.addNode(List.of(JOINER_HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError"));

        Convergence convergence = finish("8 late joiner, empty database, " + DATA_MEGABYTES + " MB, " + JOINER_HEAP,
                cluster, history, Order.REAL_TIME);
        long total = convergence.data().totalRows();
        assertThat(late.isRunning()).as(late.name() + " still running (no OutOfMemoryError)").isTrue();
        assertThat(late.logTail(10_000)).doesNotContain("java.lang.OutOfMemoryError");
        assertThat(counter(late, "rows_applied")).as("rows the late node applied").isGreaterThanOrEqualTo(total);
    }
}
