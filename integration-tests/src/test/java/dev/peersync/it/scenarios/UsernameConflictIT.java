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
    void s4_same_username_registered_on_both_sides_of_a_partition_keeps_both_accounts_and_renames_the_later() {
        String username = "twin-" + suffix();
        long conflictsBefore = cluster.nodes().stream().mapToLong(n -> counter(n, "conflicts")).sum();
        // node 1 alone, nodes 2 and 3 together: no path between node 1 and node 2
        cluster.partition(node(1));

        long start1 = System.nanoTime();
        String first = node(1).api().post("/api/v1/auth/register", Map.of("username", username,
                "email", username + "@one.example.com", "password", "first-password")).requireOk().text("id");
        long start2 = System.nanoTime();
        String second = node(2).api().post("/api/v1/auth/register", Map.of("username", username,
                "email", username + "@two.example.com", "password", "second-password")).requireOk().text("id");
        history.record(node(1).name(), "users", first, Kind.INSERT, ReviewCalls.values("id", first, "username", username),
                start1, System.nanoTime());
        // The later account keeps everything but its name, which the sync changes: recorded without it.
        history.record(node(2).name(), "users", second, Kind.INSERT, ReviewCalls.values("id", second), start2,
                System.nanoTime());
        String secondToken = node(2).api().login(username, "second-password");
        String product = calls.createProduct(node(2), secondToken, "made-by-the-twin-" + suffix(), null);
        String review = calls.createReview(node(2), secondToken, product, "review-by-the-twin-" + suffix());

        cluster.healAll();

        String after = "after-twin-" + suffix();
        calls.register(node(1), after);
        Await.until("node 2 and node 3 to list " + after + " (sync goes on after the conflict)",
                ReviewCalls.VISIBLE, () -> usernames(node(2)).contains(after) && usernames(node(3)).contains(after),
                seen -> seen);
        Convergence convergence = finish("4 same username on both sides of a partition", cluster, history,
                Order.REAL_TIME);

        JsonNode firstRow = convergence.data().row("users", first).orElseThrow();
        JsonNode secondRow = convergence.data().row("users", second)
                .orElseThrow(() -> new AssertionError("the later account " + second + " is gone"));
        assertThat(firstRow.get("username").asText()).as("the earlier account keeps the name").isEqualTo(username);
        assertThat(secondRow.get("username").asText()).matches("twin-[0-9a-f]{6}-" + username);
        assertThat(secondRow.get("renamed_by_conflict").asBoolean()).isTrue();
        assertThat(convergence.data().row("reviews", review)).as("its review survived").isPresent();

        // Its owner still signs in with the name and password they registered, on any node, sees the flag and chooses.
        String token = node(3).api().login(username, "second-password");
        JsonNode me = node(3).api().get("/api/v1/users/me", token).requireOk().json();
        assertThat(me.get("id").asText()).isEqualTo(second);
        assertThat(me.get("renamed_by_conflict").asBoolean()).isTrue();
        String chosen = "chosen-" + suffix();
        JsonNode changed = node(3).api().patch("/api/v1/users/me", Map.of("username", chosen), token).requireOk().json();
        assertThat(changed.get("username").asText()).isEqualTo(chosen);
        assertThat(changed.get("renamed_by_conflict").asBoolean()).isFalse();
        Await.until("node 1 to know " + chosen, ReviewCalls.VISIBLE, () -> usernames(node(1)).contains(chosen),
                seen -> seen);
        Await.until("a conflict reported by some node", Duration.ofSeconds(30),
                () -> cluster.nodes().stream().mapToLong(n -> counter(n, "conflicts")).sum(),
                conflicts -> conflicts > conflictsBefore);
    }

}
