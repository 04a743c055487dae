package dev.peersync.it.scenarios;

import static dev.peersync.it.scenarios.Scenarios.converge;
import static dev.peersync.it.scenarios.Scenarios.suffix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.it.check.Convergence;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.it.fixture.ClusterOptions;
import dev.peersync.testing.Await;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gc_grace rule on real nodes: node 3 is cut off, node 1 deletes a product, node 3 edits another and adds one;
 * then two hours pass (every clock moved forward, the retention being one hour), so nodes 1 and 2 collect the delete's
 * tombstone without node 3. When node 3 returns, its old cursors are refused and it rejoins by snapshot: the deleted
 * product does not come back anywhere, and what node 3 wrote while away reaches everyone.
 */
class GcGraceIT extends ReviewScenario {
    private static final Duration PASSED = Duration.ofHours(2);

    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.of(ClusterOptions.builder().nodes(3)
            .env("TOMBSTONE_RETENTION_HOURS", "1")
            .env("TOMBSTONE_GC_INTERVAL", "1")
            // The clocks are moved one node at a time: for a moment one runs two hours ahead of the others.
            .env("MAX_CLOCK_OFFSET_MS", Long.toString(Duration.ofHours(3).toMillis())));

    @Override
    protected ClusterExtension nodes() {
        return nodes;
    }

    @Test
    void a_node_away_longer_than_the_tombstone_retention_rejoins_by_snapshot_and_nothing_deleted_comes_back() {
        String owner = "gc-" + suffix();
        calls.register(node(1), owner);
        String token = calls.login(node(1), owner);
        String deleted = calls.createProduct(node(1), token, "deleted-" + suffix(), null);
        String edited = calls.createProduct(node(1), token, "edited-" + suffix(), null);
        String untouched = calls.createProduct(node(1), token, "untouched-" + suffix(), null);
        converge("gc_grace: before node 3 goes away", cluster);

        cluster.partition(node(3));
        node(1).api().delete("/api/v1/products/" + deleted, token).requireOk();
        Await.until("node 2 to apply the delete", ReviewCalls.VISIBLE,
                () -> node(2).api().get("/api/v1/products/" + deleted).status(), status -> status == 404);
        String tokenOn3 = calls.login(node(3), owner);
        node(3).api().patch("/api/v1/products/" + edited, Map.of("description", "edited while away"), tokenOn3)
                .requireOk();
        String added = calls.createProduct(node(3), tokenOn3, "added-while-away-" + suffix(), null);

        for (int n = 1; n <= 3; n++) {
            cluster.skewClock(node(n), PASSED);
        }
        String away = node(3).nodeId();
        for (int n = 1; n <= 2; n++) {
            ClusterNode node = node(n);
            Await.until(node.name() + " to collect the tombstone without node 3 and mark node 3 expired",
                    Duration.ofSeconds(60), () -> gcState(node, away, deleted),
                    state -> state.equals("expired=1 tombstones=0"));
        }

        cluster.heal(node(3));
        Convergence convergence = converge("gc_grace: node 3 back after the retention", cluster);
        assertThat(convergence.data().row("products", deleted)).as("the deleted product stays deleted").isEmpty();
        assertThat(convergence.data().row("products", added)).as("the product node 3 added while away").isPresent();
        assertThat(convergence.data().row("products", untouched)).isPresent();
        assertThat(convergence.data().row("products", edited).orElseThrow().get("description").asText())
                .as("node 3's edit made while away").isEqualTo("edited while away");
        for (int n = 1; n <= 2; n++) {
            ClusterNode node = node(n);
            Await.until(node.name() + " to serve node 3 again (it rejoined)", Duration.ofSeconds(30),
                    () -> gcState(node, away, deleted), state -> state.startsWith("expired=0"));
        }
        assertThat(node(3).logTail(5_000)).contains("refused our cursor").contains("Rejoin from");
    }

    /** Whether {@code node} marks {@code peer} expired, and whether it still holds the product's tombstone. */
    private static String gcState(ClusterNode node, String peer, String product) {
        try (Connection c = node.dataSource().getConnection();
             PreparedStatement q = c.prepareStatement("SELECT (SELECT count(*) FROM peersync.peer_expired WHERE peer = ?),"
                     + " (SELECT count(*) FROM peersync.m_products WHERE id = ?)")) {
            q.setObject(1, UUID.fromString(peer));
            q.setObject(2, UUID.fromString(product));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return "expired=" + rs.getLong(1) + " tombstones=" + rs.getLong(2);
            }
        } catch (SQLException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
