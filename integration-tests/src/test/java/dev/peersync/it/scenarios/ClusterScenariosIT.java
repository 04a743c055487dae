package dev.peersync.it.scenarios;

import static dev.peersync.it.scenarios.Scenarios.awaitAtLeast;
import static dev.peersync.it.scenarios.Scenarios.counter;
import static dev.peersync.it.scenarios.Scenarios.finish;
import static dev.peersync.it.scenarios.Scenarios.suffix;
import static dev.peersync.it.scenarios.Scenarios.usernames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.it.check.Convergence;
import dev.peersync.it.check.WriteHistory.Kind;
import dev.peersync.it.check.WriteHistory.Order;
import dev.peersync.it.fixture.ApiResponse;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.it.fixture.ClusterOptions;
import dev.peersync.it.workload.KnownRows;
import dev.peersync.it.workload.SqlWriter;
import dev.peersync.it.workload.Workload;
import dev.peersync.testing.Await;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenarios 1-3 and 5-7 of the fault-injection suite on one shared three-node cluster (faults are undone after
 * each test; scenario 4 has a cluster of its own, {@link UsernameConflictIT}). The clock-skew scenario runs last: it drags every node's hybrid logical clock minutes ahead, after which
 * wall-clock order no longer predicts which write wins.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScenariosIT extends ReviewScenario {
    private static final int SKEW_MINUTES = 5;

    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.of(ClusterOptions.builder().nodes(3)
            // Scenario 7 runs a node 5 minutes ahead: tolerated (and reported) up to 10 minutes here.
            .env("MAX_CLOCK_OFFSET_MS", Long.toString(Duration.ofMinutes(2L * SKEW_MINUTES).toMillis())));

    private static final ExecutorService clients = Executors.newFixedThreadPool(3);

    @Override
    protected ClusterExtension nodes() {
        return nodes;
    }

    @AfterAll
    static void stopClients() {
        clients.shutdownNow();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void s1_user_registered_on_node_1_is_listed_by_node_2_within_2_seconds() {
        String username = "walker-" + suffix();

        calls.register(node(1), username);

        Await.until("node 2 to list " + username, Duration.ofSeconds(2), () -> usernames(node(2)),
                names -> names.contains(username));
        finish("1 walkthrough: register on node 1, listed by node 2", cluster, history, Order.REAL_TIME);
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void s2_foreign_key_chain_created_across_three_nodes_arrives_everywhere() {
        String username = "chain-" + suffix();
        String userId = calls.register(node(1), username);
        String token = calls.login(node(1), username);
        ReviewCalls.awaitVisible(node(3), "/api/v1/users/" + userId); // node 3 writes the review as this user

        String category = calls.createCategory(node(1), token, "chain category " + suffix());
        ReviewCalls.awaitVisible(node(2), "/api/v1/categories/" + category);
        String product = calls.createProduct(node(2), token, "chain product " + suffix(), category);
        ReviewCalls.awaitVisible(node(3), "/api/v1/products/" + product);
        String review = calls.createReview(node(3), token, product, "chain review " + suffix());
        ReviewCalls.awaitVisible(node(1), "/api/v1/products/" + product);
        String image = calls.createImage(node(1), token, product, "https://img.example.com/" + suffix() + ".png");
        ReviewCalls.awaitVisible(node(2), "/api/v1/reviews/" + review);
        String media = calls.createMedia(node(2), token, review, "https://media.example.com/" + suffix());

        Convergence convergence = finish("2 FK chain category->product->review->image->media on 3 nodes", cluster,
                history, Order.REAL_TIME);
        assertThat(convergence.data().row("categories", category)).isPresent();
        assertThat(convergence.data().row("products", product)).hasValueSatisfying(
                row -> assertThat(row.get("category_id").asText()).isEqualTo(category));
        assertThat(convergence.data().row("reviews", review)).isPresent();
        assertThat(convergence.data().row("product_images", image)).isPresent();
        assertThat(convergence.data().row("review_media", media)).isPresent();
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void s3_concurrent_updates_of_one_product_on_three_nodes_and_update_against_delete_converge() throws Exception {
        String username = "racer-" + suffix();
        String userId = calls.register(node(1), username);
        String token = calls.login(node(1), username);
        String raced = calls.createProduct(node(1), token, "raced " + suffix(), null);
        String doomed = calls.createProduct(node(1), token, "doomed " + suffix(), null);
        for (ClusterNode node : cluster.nodes()) {
            ReviewCalls.awaitVisible(node, "/api/v1/users/" + userId);
            ReviewCalls.awaitVisible(node, "/api/v1/products/" + raced);
            ReviewCalls.awaitVisible(node, "/api/v1/products/" + doomed);
        }

        CountDownLatch go = new CountDownLatch(1);
        List<Future<ApiResponse>> updates = new ArrayList<>();
        for (ClusterNode node : cluster.nodes()) {
            updates.add(clients.submit(() -> recordedPatch(go, node, token, raced, "raced by " + node.name())));
        }
        go.countDown();
        for (Future<ApiResponse> update : updates) {
            assertThat(update.get().status()).as("concurrent PATCH").isEqualTo(200);
        }

        CountDownLatch race = new CountDownLatch(1);
        Future<ApiResponse> update = clients.submit(() -> recordedPatch(race, node(1), token, doomed, "updated"));
        Future<ApiResponse> delete = clients.submit(() -> recordedDelete(race, node(2), token, doomed));
        race.countDown();
        assertThat(update.get().status()).as("PATCH racing a DELETE").isIn(200, 404);
        assertThat(delete.get().status()).as("DELETE racing a PATCH").isEqualTo(204);

        Convergence convergence = finish("3 concurrent updates; update vs delete", cluster, history, Order.REAL_TIME);
        String winner = convergence.data().row("products", raced).orElseThrow().get("name").asText();
        assertThat(winner).isIn("raced by node1", "raced by node2", "raced by node3");
        for (ClusterNode node : cluster.nodes()) {
            assertThat(node.api().get("/api/v1/products/" + raced).requireOk().text("name"))
                    .as("name of the raced product on " + node.name()).isEqualTo(winner);
        }
    }

    private ApiResponse recordedPatch(CountDownLatch go, ClusterNode node, String token, String product, String name)
            throws InterruptedException {
        go.await();
        long start = System.nanoTime();
        ApiResponse response = node.api().patch("/api/v1/products/" + product, Map.of("name", name), token);
        if (response.status() == 200) {
            history.record(node.name(), "products", product, Kind.UPDATE, ReviewCalls.values("id", product, "name", name),
                    start, System.nanoTime());
        }
        return response;
    }

    private ApiResponse recordedDelete(CountDownLatch go, ClusterNode node, String token, String product)
            throws InterruptedException {
        go.await();
        long start = System.nanoTime();
        ApiResponse response = node.api().delete("/api/v1/products/" + product, token);
        if (response.status() == 204) {
            history.record(node.name(), "products", product, Kind.DELETE, null, start, System.nanoTime());
        }
        return response;
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void s5_node_killed_during_heavy_writes_catches_up_incrementally_after_restart() throws SQLException {
        KnownRows known = new KnownRows();
        // Enough rows that a whole-table copy could not pass for an incremental catch-up.
        Scenarios.bulkProducts(node(1), Integer.getInteger("peersync.kill.preload", 5000), 64);
        long rowsBefore = cluster.awaitConvergence(Scenarios.CONVERGE).data().totalRows();

        Workload writers = new Workload(cluster.nodes(), history, known, 55, 150).start();
        awaitAtLeast("writes before the kill", writers::acknowledged, 150);
        cluster.kill(node(3));
        writers.pause(node(3));
        long atKill = writers.acknowledged();
        awaitAtLeast("writes while node 3 is down", writers::acknowledged, atKill + 300);
        cluster.restart(node(3));
        writers.resume(node(3));
        awaitAtLeast("writes after the restart", writers::acknowledged, writers.acknowledged() + 100);
        writers.stop();
        long changed = writers.acknowledged() - atKill;

        Convergence convergence = Scenarios.converge("5 SIGKILL during heavy writes, restart", cluster);
        long applied = counter(node(3), "rows_applied");
        long total = convergence.data().totalRows();
        System.out.printf("[scenario 5] node3 applied %d rows after its restart; %d writes acknowledged since the kill;"
                + " %d rows per node (%d before the writers)%n", applied, changed, total, rowsBefore);
        // Incremental: about the rows changed (each change may come from both peers, plus cascades), never a
        // whole-table copy.
        assertThat(applied).as("rows node 3 applied after its restart (changed since the kill: " + changed + ")")
                .isLessThanOrEqualTo(3 * changed + 100)
                .isLessThan(total / 2);
        history.check(convergence.data(), Order.REAL_TIME);
    }

    @Test
    @org.junit.jupiter.api.Order(6)
    void s6_partitioned_node_with_writes_on_both_sides_converges_after_heal() {
        KnownRows known = new KnownRows();
        Workload writers = new Workload(cluster.nodes(), history, known, 66, 40).start();
        awaitAtLeast("writes before the partition", writers::acknowledged, 60);

        cluster.partition(node(3));
        long atCut = writers.acknowledged();
        awaitAtLeast("writes during the partition", writers::acknowledged, atCut + 300);
        cluster.heal(node(3));
        awaitAtLeast("writes after the heal", writers::acknowledged, writers.acknowledged() + 60);
        writers.stop();

        finish("6 partition of node 3 under writes, heal", cluster, history, Order.REAL_TIME);
    }

    @Test
    @org.junit.jupiter.api.Order(7)
    void s7_node_with_clock_5_minutes_ahead_then_5_minutes_behind_converges() {
        KnownRows known = new KnownRows();
        String product = new SqlWriter(node(1).name(), node(1).dataSource(), history, known, 7).insert("products")
                .orElseThrow();
        long skewMillis = Duration.ofMinutes(SKEW_MINUTES).toMillis();

        cluster.skewClock(node(3), Duration.ofMinutes(SKEW_MINUTES));
        Workload writers = new Workload(cluster.nodes(), history, known, 77, 40).start();
        SqlWriter ahead = new SqlWriter(node(3).name(), node(3).dataSource(), history, known, 71);
        Await.until("node 3 to have the product", Duration.ofSeconds(30), () -> ahead.renameProduct(product, "from the future"),
                renamed -> renamed);
        Await.until("node 1 to report node 3's clock about " + SKEW_MINUTES + " minutes ahead", Duration.ofSeconds(30),
                () -> peerSkew(node(1), node(3)), skew -> skew > skewMillis - 60_000);
        awaitAtLeast("writes with node 3 ahead", writers::acknowledged, 200);
        writers.stop();

        cluster.skewClock(node(3), Duration.ofMinutes(-SKEW_MINUTES));
        Workload behind = new Workload(cluster.nodes(), history, known, 78, 40).start();
        new SqlWriter(node(2).name(), node(2).dataSource(), history, known, 72).renameProduct(product, "from node 2");
        awaitAtLeast("writes with node 3 behind", behind::acknowledged, 200);
        behind.stop();
        ahead.close();

        // With a skewed clock, wall-clock order says nothing about which version is higher: any written value may win.
        finish("7 clock +5 min, then -5 min", cluster, history, Order.NONE);
    }

    private static long peerSkew(ClusterNode observer, ClusterNode peer) {
        JsonNode peers = observer.status().path("peers");
        return StreamSupport.stream(peers.spliterator(), false)
                .filter(p -> p.path("peer_id").asText().equals(peer.nodeId()))
                .mapToLong(p -> p.path("clock_skew_ms").asLong()).findFirst().orElse(0);
    }
}
