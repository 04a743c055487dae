package dev.peersync.it.scenarios;

import static dev.peersync.it.scenarios.Scenarios.counter;
import static dev.peersync.it.scenarios.Scenarios.finish;
import static dev.peersync.it.scenarios.Scenarios.suffix;
import static dev.peersync.it.scenarios.Scenarios.usernames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.it.check.Convergence;
import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.check.WriteHistory.Kind;
import dev.peersync.it.check.WriteHistory.Order;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 4, on a cluster of its own: a unique-key conflict exercises the apply path's error handling, and a bug
 * there must not take the other scenarios down with it.
 */
class UsernameConflictIT extends ReviewScenario {
    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.threeNodes();

    @Override
    protected ClusterExtension nodes() {
        return nodes;
    }

    @Test
        void s4_same_username_registered_on_both_sides_of_a_partition_keeps_one_account_and_reports_a_conflict() {
        String username = "twin-" + suffix();
        long conflictsBefore = cluster.nodes().stream().mapToLong(n -> counter(n, "conflicts")).sum();
        // node 1 alone, nodes 2 and 3 together: no path between node 1 and node 2
        cluster.partition(node(1));

        long start1 = System.nanoTime();
        String first = node(1).api().post("/api/v1/auth/register", Map.of("username", username,
                "email", username + "@one.example.com", "password", "password123")).requireOk().text("id");
        long start2 = System.nanoTime();
        String second = node(2).api().post("/api/v1/auth/register", Map.of("username", username,
                "email", username + "@two.example.com", "password", "password123")).requireOk().text("id");
        // Both were acknowledged, but the unique username lets only one survive: either may be the one missing.
        history.record(node(1).name(), "users", first, Kind.INSERT, ReviewCalls.values("id", first, "username", username),
                start1, WriteHistory.UNKNOWN);
        history.record(node(2).name(), "users", second, Kind.INSERT, ReviewCalls.values("id", second, "username", username),
                start2, WriteHistory.UNKNOWN);

        cluster.healAll();

        String after = "after-twin-" + suffix();
        calls.register(node(1), after);
        Await.until("node 2 and node 3 to list " + after + " (sync goes on after the conflict)",
                ReviewCalls.VISIBLE, () -> usernames(node(2)).contains(after) && usernames(node(3)).contains(after),
                seen -> seen);
        Convergence convergence = finish("4 same username on both sides of a partition", cluster, history,
                Order.REAL_TIME);

        List<JsonNode> twins = convergence.data().table("users").rows().values().stream()
                .filter(row -> row.get("username").asText().equals(username)).map(JsonNode.class::cast).toList();
        assertThat(twins).as("accounts named " + username).hasSize(1);
        assertThat(twins.get(0).get("id").asText()).isIn(first, second);
        Await.until("a conflict reported by some node", Duration.ofSeconds(30),
                () -> cluster.nodes().stream().mapToLong(n -> counter(n, "conflicts")).sum(),
                conflicts -> conflicts > conflictsBefore);
    }

}
