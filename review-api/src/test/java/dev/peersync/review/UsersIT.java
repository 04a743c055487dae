package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UsersIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension();

    private final ApiClient client = api.client();

    @Test
    void user_list_pages_through_every_user_once_without_password_hashes() {
        List<UUID> registered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            registered.add(client.newUser("page").id());
        }
        Set<String> seen = new HashSet<>();
        int offset = 0;
        long total;
        do {
            Response page = client.get("/api/v1/users/?limit=2&offset=" + offset);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json().get("limit").asInt()).isEqualTo(2);
            assertThat(page.json().get("offset").asInt()).isEqualTo(offset);
            assertThat(page.json().get("items").size()).isLessThanOrEqualTo(2);
            assertThat(page.body()).doesNotContain("password");
            total = page.json().get("total").asLong();
            for (JsonNode item : page.json().get("items")) {
                assertThat(seen.add(item.get("id").asText())).as("seen once: " + item).isTrue();
            }
            offset += 2;
        } while (offset < total);
        assertThat(seen).hasSize((int) total).containsAll(registered.stream().map(UUID::toString).toList());
    }

    @Test
    void an_account_renamed_by_a_collision_signs_in_with_its_old_name_and_chooses_a_new_one() {
        User taken = client.newUser("taken");
        User twin = client.newUser("twin");
        // What the sync does to the later of two accounts registered with one name on two nodes (a twin name, flagged).
        String twinName = "twin-abc123-" + taken.username();
        org.jdbi.v3.core.Jdbi.create(api.dataSource()).useHandle(h -> h.execute(
                "UPDATE users SET username = ?, renamed_by_conflict = true WHERE id = ?", twinName, twin.id()));

        String token = client.login(taken.username(), ApiClient.PASSWORD); // same password: the exact name comes first
        assertThat(client.get("/api/v1/users/me", token).json().get("id").asText()).isEqualTo(taken.id().toString());
        Response me = client.get("/api/v1/users/me", twin.token());
        assertThat(me.json().get("username").asText()).isEqualTo(twinName);
        assertThat(me.json().get("renamed_by_conflict").asBoolean()).isTrue();

        Response none = client.patch("/api/v1/users/me", twin.token(), client.object());
        assertThat(none.status()).isEqualTo(422);
        Response bad = client.patch("/api/v1/users/me", twin.token(), client.object("username", "x"));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("username");
        Response takenName = client.patch("/api/v1/users/me", twin.token(), client.object("username", taken.username()));
        assertThat(takenName.status()).isEqualTo(409);
        Response anonymous = client.patch("/api/v1/users/me", null, client.object("username", "anonymous-change"));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(client.get("/api/v1/users/me", twin.token()).json().get("renamed_by_conflict").asBoolean()).isTrue();

        String chosen = ApiClient.unique("chosen");
        Response changed = client.patch("/api/v1/users/me", twin.token(), client.object("username", chosen));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("username").asText()).isEqualTo(chosen);
        assertThat(changed.json().get("renamed_by_conflict").asBoolean()).isFalse();
        assertThat(client.get("/api/v1/users/" + twin.id()).json().get("username").asText()).isEqualTo(chosen);
    }

    @Test
    void the_owner_of_a_renamed_account_signs_in_with_the_name_they_registered() {
        User holder = client.newUser("holder");
        UUID twinId = UUID.randomUUID();
        // An account renamed by the sync, with a password of its own ("other password", bcrypt cost 4).
        String hash = new dev.peersync.review.internal.auth.PasswordHasher(4).hash("other password");
        org.jdbi.v3.core.Jdbi.create(api.dataSource()).useHandle(h -> h.execute("INSERT INTO users (id, username, email,"
                + " password_hash, created_at, updated_at, renamed_by_conflict) VALUES (?, ?, ?, ?, now(), now(), true)",
                twinId, "twin-0f0f0f-" + holder.username(), twinId + "@example.com", hash));

        String token = client.login(holder.username(), "other password");
        assertThat(client.get("/api/v1/users/me", token).json().get("id").asText()).isEqualTo(twinId.toString());
        assertThat(client.login(holder.username(), ApiClient.PASSWORD)).isNotNull();
    }

    @Test
    void user_list_answers_the_same_with_and_without_trailing_slash_and_defaults_to_50() {
        client.newUser("slash");
        Response withSlash = client.get("/api/v1/users/");
        Response without = client.get("/api/v1/users");

        assertThat(withSlash.status()).isEqualTo(200);
        assertThat(without.status()).isEqualTo(200);
        assertThat(without.json().get("limit").asInt()).isEqualTo(50);
        assertThat(without.json().get("offset").asInt()).isZero();
    }

    @Test
    void bad_pagination_parameters_answer_400_naming_the_parameter() {
        for (String query : List.of("limit=abc", "limit=0", "limit=501", "limit=-1", "offset=-1", "offset=x")) {
            Response response = client.get("/api/v1/users?" + query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("bad_request");
            assertThat(response.json().path("error").path("details").path("parameter").asText())
                    .isEqualTo(query.substring(0, query.indexOf('=')));
        }
        assertThat(client.get("/api/v1/users?limit=500").status()).isEqualTo(200);
    }

    @Test
    void get_user_by_id_answers_the_user_404_when_unknown_and_400_for_a_bad_id() {
        User user = client.newUser("byid");

        Response found = client.get("/api/v1/users/" + user.id());
        Response unknown = client.get("/api/v1/users/" + UUID.randomUUID());
        Response bad = client.get("/api/v1/users/not-a-uuid");

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("username").asText()).isEqualTo(user.username());
        assertThat(found.body()).doesNotContain("password");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("not_found");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("details").path("parameter").asText()).isEqualTo("id");
    }

    @Test
    void users_me_for_a_user_this_node_does_not_know_answers_404() {
        try (TestNode other = TestNode.start("other_users", ReviewApiExtension.SETTINGS)) {
            User stranger = other.client().newUser("stranger");
            Response me = client.get("/api/v1/users/me", stranger.token());
            assertThat(me.status()).isEqualTo(404);
            assertThat(me.errorCode()).isEqualTo("not_found");
        }
    }
}
