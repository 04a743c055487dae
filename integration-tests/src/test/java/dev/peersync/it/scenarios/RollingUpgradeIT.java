package dev.peersync.it.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.it.workload.KnownRows;
import dev.peersync.it.workload.Workload;
import dev.peersync.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18, item 5: a migration adding {@code products.sku} (a site migration, {@code SITE_MIGRATIONS}) rolled out by
 * restarting node 1, then 2, then 3, while writers change all seven tables on every node throughout. Each upgraded
 * node writes sku values at once. At the end every node holds every sku value, the tables are equal row by row, and
 * the write history holds.
 */
class RollingUpgradeIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.threeNodes();

    @Test
    void a_migration_rolled_out_node_by_node_under_writes_ends_with_every_value_on_every_node() throws Exception {
        Cluster cluster = nodes.cluster();
        Path migrations = Files.createTempDirectory("site-migrations");
        Files.writeString(migrations.resolve("V1000__products_sku.sql"), "ALTER TABLE products ADD COLUMN sku text;\n");
        // One product per node, outside the writers' rows: its sku is written by its node once upgraded.
        Map<ClusterNode, String> products = new LinkedHashMap<>();
        for (ClusterNode n : cluster.nodes()) {
            String id = UUID.randomUUID().toString();
            n.execute("INSERT INTO products (id, name, price, created_at, updated_at) VALUES ('" + id + "', 'sku of "
                    + n.name() + "', 1, now(), now())");
            products.put(n, id);
        }
        WriteHistory history = WriteHistory.forReviewSchema();
        Workload writers = new Workload(cluster.nodes(), history, new KnownRows(), 18, 20).start();
        Map<String, String> expected = new LinkedHashMap<>();
        for (ClusterNode n : cluster.nodes()) {
            long before = writers.acknowledged();
            n.restartWith(Map.of("SITE_MIGRATIONS", migrations.toString()));
            Scenarios.awaitAtLeast("writes while " + n.name() + " is upgraded", writers::acknowledged, before + 20);
            for (int k = 1; k <= 2; k++) {
                String sku = n.name() + "-sku-" + k;
                n.execute("UPDATE products SET sku = '" + sku + "' WHERE id = '" + products.get(n) + "'");
                expected.put(products.get(n), sku);
            }
        }
        Scenarios.awaitAtLeast("writes on the upgraded cluster", writers::acknowledged, writers.acknowledged() + 50);
        writers.stop();
        for (ClusterNode n : cluster.nodes()) {
            Await.until(n.name() + " to hold every sku value", DEADLINE, () -> skus(n, expected), expected::equals);
        }
        // Restarts reorder nothing a writer saw acknowledged: real-time order holds, as in the soak without skew.
        Scenarios.finish("rolling upgrade of 3 nodes", cluster, history, WriteHistory.Order.REAL_TIME);
        for (ClusterNode n : cluster.nodes()) {
            assertThat(n.status().get("peers").findValues("schema_drift")).as("drift left on %s", n.name())
                    .allSatisfy(d -> assertThat(d).isEmpty());
        }
    }

    private static Map<String, String> skus(ClusterNode node, Map<String, String> expected) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : expected.keySet()) {
            List<String> v = node.column("SELECT coalesce(sku, '-') FROM products WHERE id = '" + id + "'");
            out.put(id, v.isEmpty() ? "(no row)" : v.get(0));
        }
        return out;
    }
}
