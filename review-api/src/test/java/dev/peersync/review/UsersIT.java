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
