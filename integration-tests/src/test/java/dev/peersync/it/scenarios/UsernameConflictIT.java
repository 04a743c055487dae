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
        String image = calls.createImage(node(2), secondToken, product, "https://img.example.com/twin-" + suffix() + ".jpg");
        String media = calls.createMedia(node(2), secondToken, review, "https://media.example.com/twin-" + suffix());

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
        assertThat(secondRow.get("username").asText()).matches("twin-[0-9a-f]{6}-" + username)
                .isEqualTo(twin(second, "username", username));
        assertThat(secondRow.get("renamed_by_conflict").asBoolean()).isTrue();
        assertThat(convergence.data().row("reviews", review)).as("its review survived").isPresent();
        assertTwinKeepsItsMedia(convergence, second, product, review, image, media);
        assertCollisionLogged(first, second, "users_username_key");

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

    @Test
    void s4_same_email_registered_on_both_sides_of_a_partition_keeps_both_accounts_and_renames_the_later_email() {
        String email = "shared-" + suffix() + "@example.com";
        String earlierName = "mail-one-" + suffix();
        String laterName = "mail-two-" + suffix();
        cluster.partition(node(1));

        long start1 = System.nanoTime();
        String first = node(1).api().post("/api/v1/auth/register", Map.of("username", earlierName, "email", email,
                "password", "first-password")).requireOk().text("id");
        history.record(node(1).name(), "users", first, Kind.INSERT,
                ReviewCalls.values("id", first, "username", earlierName, "email", email), start1, System.nanoTime());
        long start2 = System.nanoTime();
        String second = node(2).api().post("/api/v1/auth/register", Map.of("username", laterName, "email", email,
                "password", "second-password")).requireOk().text("id");
        // The later account keeps everything but its email, which the sync changes: recorded without it.
        history.record(node(2).name(), "users", second, Kind.INSERT,
                ReviewCalls.values("id", second, "username", laterName), start2, System.nanoTime());

        cluster.healAll();
        Convergence convergence = finish("4 same email on both sides of a partition", cluster, history,
                Order.REAL_TIME);

        // Both accounts on every node (the snapshots agree row by row), the later email renamed by the rule.
        JsonNode firstRow = convergence.data().row("users", first)
                .orElseThrow(() -> new AssertionError("the earlier account " + first + " is gone"));
        JsonNode secondRow = convergence.data().row("users", second)
                .orElseThrow(() -> new AssertionError("the later account " + second + " is gone"));
        assertThat(firstRow.get("email").asText()).as("the earlier account keeps the email").isEqualTo(email);
        assertThat(firstRow.path("renamed_by_conflict").asBoolean(false)).isFalse();
        assertThat(secondRow.get("username").asText()).as("the username did not collide").isEqualTo(laterName);
        assertThat(secondRow.get("email").asText()).isEqualTo(twin(second, "email", email));
        assertThat(secondRow.get("renamed_by_conflict").asBoolean()).isTrue();
        for (var n : cluster.nodes()) {
            assertThat(n.column("SELECT email FROM users WHERE id = '" + second + "'")).as(n.name())
                    .containsExactly(twin(second, "email", email));
        }
        assertCollisionLogged(first, second, "users_email_key");

        // Its owner signs in with their username and password on any node, and sees the flag.
        String token = node(1).api().login(laterName, "second-password");
        JsonNode me = node(1).api().get("/api/v1/users/me", token).requireOk().json();
        assertThat(me.get("id").asText()).isEqualTo(second);
        assertThat(me.get("renamed_by_conflict").asBoolean()).isTrue();
    }

    /**
     * The renamed value of the later row's {@code column} (RowWriter.twin): {@code twin-} and the first 6 hex digits of
     * md5 of the row's key text ({@code ["<id>"]}), a colon and the column, then the value.
     */
    private static String twin(String id, String column, String value) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(("[\"" + id + "\"]:" + column)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "twin-" + java.util.HexFormat.of().formatHex(digest).substring(0, 6) + "-" + value;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The product image and the review media the twin added before the heal are on every node, still the twin's: the
     * image's {@code created_by} and the media's review's {@code user_id} are the renamed account.
     */
    private void assertTwinKeepsItsMedia(Convergence convergence, String twin, String product, String review,
                                         String image, String media) {
        JsonNode imageRow = convergence.data().row("product_images", image)
                .orElseThrow(() -> new AssertionError("the twin's product image " + image + " is gone"));
        assertThat(imageRow.get("created_by").asText()).as("the image's creator").isEqualTo(twin);
        assertThat(convergence.data().row("review_media", media)).as("the twin's review media").isPresent();
        assertThat(convergence.data().row("reviews", review).orElseThrow().get("user_id").asText())
                .as("the owner of the review holding the media").isEqualTo(twin);
        for (var n : cluster.nodes()) {
            assertThat(n.api().get("/api/v1/products/" + product + "/images").requireOk().json().path("items"))
                    .as("images of the twin's product on " + n.name())
                    .anySatisfy(i -> assertThat(i.path("id").asText()).isEqualTo(image));
            assertThat(n.api().get("/api/v1/reviews/" + review + "/media").requireOk().json().path("items"))
                    .as("media of the twin's review on " + n.name())
                    .anySatisfy(m -> assertThat(m.path("id").asText()).isEqualTo(media));
        }
    }

    /**
     * The conflict log records the collision as {@code unique_collision}. The log is per node and a node records only
     * the collisions it settles itself (Conflicts, RowWriter.settleUniqueCollision), so which nodes log it depends on
     * the order the two accounts meet after the heal: node 1 (which held the earlier account) when it receives the later
     * one, {@code renamed_incoming} under the later account's key; node 2 or 3 (which held the later one) when it
     * receives the earlier one, {@code renamed_local} under the earlier account's key, naming the renamed (local)
     * account in the detail; a node that receives the later account already renamed logs nothing. So: at least one
     * node logs it, at most once each, and each entry is the one its node could settle.
     */
    private void assertCollisionLogged(String first, String second, String constraint) {
        Map<String, java.util.List<JsonNode>> logged = new java.util.LinkedHashMap<>();
        for (var n : cluster.nodes()) {
            logged.put(n.name(), Scenarios.conflicts(cluster, n, "type=unique_collision&table=users", first, second));
        }
        assertThat(logged.values().stream().mapToInt(java.util.List::size).sum())
                .as("unique_collision entries for %s / %s in the nodes' logs: %s", first, second, logged)
                .isPositive();
        logged.forEach((name, entries) -> {
            assertThat(entries).as(name + "'s log: " + entries).hasSizeLessThanOrEqualTo(1).allSatisfy(c -> {
                assertThat(c.path("type").asText()).isEqualTo("unique_collision");
                assertThat(c.path("table").asText()).isEqualTo("users");
                assertThat(c.path("detail").asText()).contains(constraint);
                if (name.equals(node(1).name())) {
                    assertThat(c.path("resolution").asText()).isEqualTo("renamed_incoming");
                    assertThat(c.path("pk").asText()).contains(second);
                    assertThat(c.path("detail").asText()).contains(first).contains("(earlier)");
                    assertThat(c.path("local_version").path("hlc").asLong())
                            .isLessThan(c.path("incoming_version").path("hlc").asLong());
                } else {
                    assertThat(c.path("resolution").asText()).isEqualTo("renamed_local");
                    assertThat(c.path("pk").asText()).contains(first);
                    assertThat(c.path("detail").asText()).contains(second).contains("(later)");
                }
            });
        });
    }

}
