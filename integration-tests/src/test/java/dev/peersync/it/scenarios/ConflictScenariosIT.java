package dev.peersync.it.scenarios;

import static dev.peersync.it.scenarios.Scenarios.suffix;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.check.WriteHistory.Kind;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.testing.Await;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrent writes on real nodes: a product's price edited on node 1 and its description on node 3 while they are
 * partitioned (after the heal every node holds both edits); a TRUNCATE on node 1 that removes the older rows everywhere
 * and keeps a row written after it on node 2.
 */
class ConflictScenariosIT extends ReviewScenario {
    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.threeNodes();

    @Override
    protected ClusterExtension nodes() {
        return nodes;
    }

    /** A product created on node 1 by a new user, visible on node 3, and that user's tokens on nodes 1 and 3. */
    private record Editors(String product, String path, String token1, String token3) {
    }

    private Editors editorsOfANewProduct(String userPrefix, String productPrefix) {
        String user = userPrefix + suffix();
        calls.register(node(1), user);
        String token1 = calls.login(node(1), user);
        String product = calls.createProduct(node(1), token1, productPrefix + suffix(), null);
        String path = "/api/v1/products/" + product;
        ReviewCalls.awaitVisible(node(3), path);
        Await.until(user + " able to sign in on node 3", ReviewCalls.VISIBLE,
                () -> node(3).api().post("/api/v1/auth/login", Map.of("username", user, "password", "password123")),
                response -> response.status() == 200);
        return new Editors(product, path, token1, calls.login(node(3), user));
    }

    @Test
    void concurrent_patches_of_different_columns_of_a_product_both_survive_on_every_node() {
        Editors e = editorsOfANewProduct("editor-", "lamp-");

        cluster.partition(node(1));
        patch(node(1), e.token1(), e.product(), "price", 25.5);
        patch(node(3), e.token3(), e.product(), "description", "edited on node 3");
        cluster.healAll();

        List<ClusterNode> all = cluster.nodes();
        Await.until("every node to hold node 1's price and node 3's description", Scenarios.CONVERGE,
                () -> all.stream().map(n -> n.api().get(e.path()).json()).toList(),
                seen -> seen.stream().allMatch(p -> p.path("price").asDouble() == 25.5
                        && "edited on node 3".equals(p.path("description").asText())));
        Scenarios.finish("concurrent edits of different columns", cluster, history, WriteHistory.Order.REAL_TIME);
        JsonNode onNode2 = node(2).api().get(e.path()).json();
        assertThat(onNode2.path("price").asDouble()).isEqualTo(25.5);
        assertThat(onNode2.path("description").asText()).isEqualTo("edited on node 3");

        // The two edits had not seen each other: a conflict, logged as update_update. The log is per node: the node
        // that first receives the other side's edit as it was written merges it ("merged"): node 1 when node 3's edit
        // reaches it, node 2 or 3 when node 1's does. A node may then receive the row already merged elsewhere: when
        // the merging node held the later edit, the merged row keeps that edit's version and the higher replaced
        // version (docs/sync-core.md, Apply step 4: it may report a conflict twice, never miss one), so the receiving
        // node, which holds the earlier edit, sees the pair again and logs it as "incoming_won" (the incoming row
        // already holds both edits); or the merged row reaches a node first and one edit as written after it, which
        // that node logs as "local_kept" (its row already holds both edits). So: at least one node logs the merge, each node logs it at most once, and every
        // entry is this conflict, with both edits kept.
        Map<String, List<JsonNode>> logged = new LinkedHashMap<>();
        for (ClusterNode n : all) {
            logged.put(n.name(), Scenarios.conflicts(cluster, n, "table=products", e.product()));
        }
        assertThat(logged.values().stream().flatMap(List::stream).map(c -> c.path("resolution").asText()).toList())
                .as("resolutions logged for product %s on the nodes: %s", e.product(), logged).contains("merged");
        logged.forEach((name, entries) -> assertThat(entries).as(name + "'s log: " + entries)
                .hasSizeLessThanOrEqualTo(1).allSatisfy(c -> {
                    assertThat(c.path("type").asText()).isEqualTo("update_update");
                    assertThat(c.path("table").asText()).isEqualTo("products");
                    JsonNode local = c.path("local_row");
                    JsonNode incoming = c.path("incoming_row");
                    if (c.path("resolution").asText().equals("merged")) {
                        // the two edits as written: one side holds the price, the other the description
                        assertThat(List.of(local, incoming))
                                .anySatisfy(r -> assertThat(r.path("price").asDouble()).isEqualTo(25.5))
                                .anySatisfy(r -> assertThat(r.path("description").asText())
                                        .isEqualTo("edited on node 3"));
                    } else if (c.path("resolution").asText().equals("incoming_won")) {
                        assertThat(incoming.path("price").asDouble()).as("merged elsewhere").isEqualTo(25.5);
                        assertThat(incoming.path("description").asText()).isEqualTo("edited on node 3");
                    } else {
                        // The mirror case: the row merged elsewhere arrived first, then one edit as written.
                        assertThat(c.path("resolution").asText()).isEqualTo("local_kept");
                        assertThat(local.path("price").asDouble()).as("merged elsewhere").isEqualTo(25.5);
                        assertThat(local.path("description").asText()).isEqualTo("edited on node 3");
                    }
                }));
    }

    @Test
    void sequential_edits_on_different_nodes_are_not_logged_as_conflicts() {
        Editors e = editorsOfANewProduct("sequential-", "shelf-");

        patch(node(1), e.token1(), e.product(), "price", 31.25);
        Await.until("node 3 to show node 1's price", Scenarios.CONVERGE, () -> node(3).api().get(e.path()).json(),
                p -> p.path("price").asDouble() == 31.25);
        patch(node(3), e.token3(), e.product(), "description", "edited on node 3 after node 1");
        Await.until("node 1 to show node 3's description", Scenarios.CONVERGE, () -> node(1).api().get(e.path()).json(),
                p -> "edited on node 3 after node 1".equals(p.path("description").asText()));
        patch(node(1), e.token1(), e.product(), "description", "edited on node 1 after node 3");

        List<ClusterNode> all = cluster.nodes();
        Await.until("every node to show the last edit and the price", Scenarios.CONVERGE,
                () -> all.stream().map(n -> n.api().get(e.path()).json()).toList(),
                seen -> seen.stream().allMatch(p -> p.path("price").asDouble() == 31.25
                        && "edited on node 1 after node 3".equals(p.path("description").asText())));
        Scenarios.finish("sequential edits on different nodes", cluster, history, WriteHistory.Order.REAL_TIME);
        for (ClusterNode n : all) {
            assertThat(Scenarios.conflicts(cluster, n, "table=products", e.product()))
                    .as("%s's conflict log for product %s (each edit had seen the one before)", n.name(), e.product())
                    .isEmpty();
        }
    }

    @Test
    void a_truncate_on_one_node_empties_the_table_everywhere_but_keeps_rows_written_after_it() throws Exception {
        Scenarios.bulkProducts(node(1), 200, 64);
        Await.until("node 3 to hold node 1's products", Scenarios.CONVERGE, () -> productCount(node(3)), n -> n >= 200);
        try (java.sql.Connection c = node(1).dataSource().getConnection();
             java.sql.Statement s = c.createStatement()) {
            s.execute("TRUNCATE products CASCADE");
        }
        String user = "after-truncate-" + suffix();
        calls.register(node(2), user);
        String token = calls.login(node(2), user);
        Await.until("node 2 to see the truncate", Scenarios.CONVERGE, () -> productCount(node(2)), n -> n == 0);
        String kept = calls.createProduct(node(2), token, "written-after-the-truncate-" + suffix(), null);
        List<ClusterNode> all = cluster.nodes();
        Await.until("every node to hold only the product written after the truncate", Scenarios.CONVERGE,
                () -> all.stream().map(this::productCount).toList(), counts -> counts.stream().allMatch(n -> n == 1));
        Scenarios.converge("truncate", cluster);
        for (ClusterNode n : all) {
            ReviewCalls.awaitVisible(n, "/api/v1/products/" + kept);
        }
    }

    private long productCount(ClusterNode node) {
        try (java.sql.Connection c = node.dataSource().getConnection();
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM products")) {
            r.next();
            return r.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("counting products on " + node.name(), e);
        }
    }

    private void patch(ClusterNode node, String token, String product, String column, Object value) {
        long start = System.nanoTime();
        node.api().patch("/api/v1/products/" + product, Map.of(column, value), token).requireOk();
        // The history compares text columns only (they read back exactly as sent): the price is checked above.
        history.record(node.name(), "products", product, Kind.UPDATE, value instanceof String text
                ? ReviewCalls.values("id", product, column, text) : ReviewCalls.values("id", product), start,
                System.nanoTime());
    }
}
