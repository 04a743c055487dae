package dev.peersync.it.scenarios;

import static dev.peersync.it.scenarios.Scenarios.finish;

import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.check.WriteHistory.Order;
import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.it.fixture.ClusterOptions;
import dev.peersync.it.workload.KnownRows;
import dev.peersync.it.workload.SqlWriter;
import dev.peersync.testing.Await;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deterministic reproductions of the anomaly the soak finds now and then: an ON DELETE SET NULL cascade, run on a
 * node that has not yet seen a later write to the child, is captured as a new whole-row write with a fresh version,
 * so it wins over that later write. Two nodes, a partition to order the events, then heal and the usual checks.
 */
class CascadeAnomalyIT {
    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.of(ClusterOptions.builder().nodes(2));

    private Cluster cluster;
    private WriteHistory history;
    private KnownRows known;
    private SqlWriter one;
    private SqlWriter two;

    @BeforeEach
    void writers() {
        cluster = nodes.cluster();
        history = WriteHistory.forReviewSchema();
        known = new KnownRows();
        one = new SqlWriter(node(1).name(), node(1).dataSource(), history, known, 1);
        two = new SqlWriter(node(2).name(), node(2).dataSource(), history, known, 2);
    }

    private ClusterNode node(int number) {
        return cluster.node(number);
    }

    /** A category and a product in it, written on node 1 and synced to node 2. */
    private String[] categoryWithProduct() {
        String category = one.insert("categories").orElseThrow();
        String product;
        do {
            product = one.insert("products").orElseThrow(); // category_id is picked among known categories
        } while (!categoryOf(product).equals(category));
        String synced = product;
        Await.until("the product on node 2", Duration.ofSeconds(30), () -> two.touch("products", synced),
                found -> found);
        return new String[] {category, product};
    }

    /** Versions have millisecond resolution: let the wall clock move on so the next write is unambiguously later. */
    private static void clockMovesOn() {
        long after = System.currentTimeMillis() + 10;
        Await.until("the clock to pass " + after, Duration.ofSeconds(1), System::currentTimeMillis, now -> now > after);
    }

    private String categoryOf(String product) {
        return String.valueOf(one.column("products", product, "category_id"));
    }

    @Test
    void a_row_deleted_on_one_node_is_not_resurrected_by_a_later_set_null_cascade_on_another() {
        String[] rows = categoryWithProduct();
        cluster.partition(node(2));

        one.delete("products", rows[1]);          // acknowledged: the product is gone
        clockMovesOn();
        two.delete("categories", rows[0]);        // later, elsewhere: SET NULL on node 2's copy of the product

        cluster.healAll();
        finish("cascade: SET NULL after a concurrent delete of the child", cluster, history, Order.REAL_TIME);
    }

    @Test
    void an_acknowledged_update_is_not_overwritten_by_the_stale_row_of_a_later_set_null_cascade() {
        String[] rows = categoryWithProduct();
        cluster.partition(node(2));

        one.describe("products", rows[1], "updated on node 1 " + UUID.randomUUID()); // acknowledged
        clockMovesOn();
        two.delete("categories", rows[0]);        // later: SET NULL on node 2's stale copy of the product

        cluster.healAll();
        finish("cascade: SET NULL on a stale copy after an update", cluster, history, Order.REAL_TIME);
    }
}
