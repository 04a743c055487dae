package dev.peersync.it.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.it.check.Convergence;
import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.testing.Await;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/** What every scenario ends with, and small probes shared by the scenarios. */
final class Scenarios {
    static final Duration CONVERGE = Duration.ofSeconds(90);

    private Scenarios() {
    }

    /** The end of every scenario: all nodes converge (row by row), the history holds, the time is reported. */
    static Convergence finish(String scenario, Cluster cluster, WriteHistory history, WriteHistory.Order order) {
        Convergence convergence = converge(scenario, cluster);
        history.check(convergence.data(), order);
        return convergence;
    }

    /** The first half of {@link #finish}: all nodes hold the same rows; the time is reported. */
    static Convergence converge(String scenario, Cluster cluster) {
        Convergence convergence = cluster.awaitConvergence(CONVERGE);
        ScenarioLog.converged(scenario, convergence);
        return convergence;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Every username node lists through {@code GET /api/v1/users}, page by page. */
    static List<String> usernames(ClusterNode node) {
        List<String> names = new ArrayList<>();
        int offset = 0;
        while (true) {
            JsonNode page = node.api().get("/api/v1/users?limit=100&offset=" + offset).requireOk().json();
            for (JsonNode user : page.path("items")) {
                names.add(user.path("username").asText());
            }
            offset += page.path("items").size();
            if (page.path("items").isEmpty() || offset >= page.path("total").asLong()) {
                return names;
            }
        }
    }

    /**
     * The entries of {@code node}'s conflict log ({@code GET /api/v1/p2p/conflicts?<query>}, read with the cluster's
     * admin token, newest first, up to 500) whose key holds one of {@code keys}.
     */
    static List<JsonNode> conflicts(Cluster cluster, ClusterNode node, String query, String... keys) {
        JsonNode page = node.api().get("/api/v1/p2p/conflicts?limit=500&" + query, cluster.adminToken()).requireOk()
                .json();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode entry : page.path("items")) {
            String pk = entry.path("pk").asText();
            for (String key : keys) {
                if (pk.contains(key)) {
                    out.add(entry);
                    break;
                }
            }
        }
        return out;
    }

    /** A counter from the node's status ({@code counters.<name>}). */
    static long counter(ClusterNode node, String name) {
        JsonNode value = node.status().path("counters").path(name);
        if (!value.isNumber()) {
            throw new AssertionError(node.name() + " reports no counters." + name + " in its status");
        }
        return value.asLong();
    }

    /**
     * Products with descriptions of {@code descriptionBytes}, inserted in one statement on {@code node} (captured by
     * the triggers like any write; not in any write history).
     */
    static void bulkProducts(ClusterNode node, int rows, int descriptionBytes) throws SQLException {
        try (Connection c = node.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("""
                     INSERT INTO products (id, name, description, price, category_id, created_at, updated_at)
                     SELECT gen_random_uuid(), 'bulk ' || n, repeat(md5(n::text), ?), n % 1000, NULL, now(), now()
                     FROM generate_series(1, ?) AS n""")) {
            s.setInt(1, Math.max(1, descriptionBytes / 32));
            s.setInt(2, rows);
            s.executeUpdate();
        }
    }

    /** Waits until {@code counter} reaches {@code atLeast} (writers make progress). */
    static void awaitAtLeast(String what, LongSupplier counter, long atLeast) {
        Await.until(what + " >= " + atLeast, Duration.ofSeconds(60), counter::getAsLong, n -> n >= atLeast);
    }
}
