package dev.peersync.it.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.fixture.ApiResponse;
import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.it.workload.KnownRows;
import dev.peersync.it.workload.Workload;
import dev.peersync.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18, item 5: a migration adding {@code products.sku} (a site migration, {@code SITE_MIGRATIONS}) rolled out by
 * restarting node 1, then 2, then 3, while writers change all seven tables on every node throughout. sku is optional
 * in the API: a node refuses it (422 naming sku) until its upgrade, and sets it through the API at once after. At the
 * end every node's API answers every sku value, the tables are equal row by row, and the write history holds.
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
        WriteHistory history = WriteHistory.forReviewSchema();
        ReviewCalls calls = new ReviewCalls(history);
        // One product per node, created through its API by a user of that node, who sets its sku once upgraded.
        Map<ClusterNode, String> products = new LinkedHashMap<>();
        Map<ClusterNode, String> tokens = new LinkedHashMap<>();
        for (ClusterNode n : cluster.nodes()) {
            String user = "upgrader" + n.number() + UUID.randomUUID().toString().substring(0, 6);
            calls.register(n, user);
            tokens.put(n, calls.login(n, user));
            products.put(n, calls.createProduct(n, tokens.get(n), "sku of " + n.name(), null));
        }
        Workload writers = new Workload(cluster.nodes(), history, new KnownRows(), 18, 20).start();
        Map<String, String> expected = new LinkedHashMap<>();
        for (ClusterNode n : cluster.nodes()) {
            ApiResponse early = setSku(n, tokens.get(n), products.get(n), n.name() + "-too-early");
            assertThat(early.status()).as("sku before %s's upgrade: %s", n.name(), early).isEqualTo(422);
            assertThat(early.json().path("error").path("details").findValuesAsText("field")).containsExactly("sku");
            long before = writers.acknowledged();
            n.restartWith(Map.of("SITE_MIGRATIONS", migrations.toString()));
            Scenarios.awaitAtLeast("writes while " + n.name() + " is upgraded", writers::acknowledged, before + 20);
            for (int k = 1; k <= 2; k++) {
                String sku = n.name() + "-sku-" + k;
                ApiResponse set = setSku(n, tokens.get(n), products.get(n), sku);
                assertThat(set.status()).as("sku after %s's upgrade: %s", n.name(), set).isEqualTo(200);
                assertThat(set.text("sku")).isEqualTo(sku);
                expected.put(products.get(n), sku);
            }
        }
        Scenarios.awaitAtLeast("writes on the upgraded cluster", writers::acknowledged, writers.acknowledged() + 50);
        writers.stop();
        for (ClusterNode n : cluster.nodes()) {
            Await.until(n.name() + " to answer every sku value", DEADLINE, () -> skus(n, expected), expected::equals);
        }
        // Restarts reorder nothing a writer saw acknowledged: real-time order holds, as in the soak without skew.
        Scenarios.finish("rolling upgrade of 3 nodes", cluster, history, WriteHistory.Order.REAL_TIME);
        // A node knows a peer's columns as of its last round with it: drift clears by the next round after the
        // peer's upgrade, which may come after the data converged through the third node.
        for (ClusterNode n : cluster.nodes()) {
            Await.until("no schema drift left on " + n.name(), DEADLINE, () -> drift(n), List::isEmpty);
        }
    }

    /** Every column one of the node's peers lacks or alone has, as its status reports them. */
    private static List<String> drift(ClusterNode node) {
        List<String> out = new ArrayList<>();
        node.status().get("peers").findValues("schema_drift").forEach(d -> d.forEach(c -> out.add(c.asText())));
        return out;
    }

    private static ApiResponse setSku(ClusterNode node, String token, String product, String sku) {
        return node.api().patch("/api/v1/products/" + product, Map.of("sku", sku), token);
    }

    /** Each product's sku as the node's API answers it. */
    private static Map<String, String> skus(ClusterNode node, Map<String, String> expected) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : expected.keySet()) {
            ApiResponse product = node.api().get("/api/v1/products/" + id);
            out.put(id, product.status() != 200 ? "(" + product.status() + ")"
                    : product.json().path("sku").isNull() ? "-" : product.text("sku"));
        }
        return out;
    }
}
