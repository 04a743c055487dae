package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may change what: any signed-in user creates catalog rows; only their creator or an admin changes or deletes
 * them; reviews only by their author or an admin; the operator's ADMIN_TOKEN acts as admin and grants the role;
 * emails are shown to their user and to admins. Every refusal is a 403 with the error body, and nothing changed.
 */
class AuthorizationIT {
    static final String ADMIN_TOKEN = "operator-admin-token-Q3v9Lx7Pz2Rk8Wm4";

    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension(ReviewApiExtension.SETTINGS
            .toBuilder().adminToken(Optional.of(ADMIN_TOKEN)).build());

    private final ApiClient client = api.client();
    private final User creator = client.newUser("creator");
    private final User stranger = client.newUser("stranger");

    private static void assertForbidden(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.errorCode()).isEqualTo("forbidden");
        assertThat(response.json().get("error").get("message").asText()).isNotBlank();
    }

    @Test
    void only_the_creator_or_an_admin_changes_or_deletes_a_product_and_its_reviews_survive_a_stranger() {
        UUID product = client.post("/api/v1/products", creator.token(),
                Map.of("name", ApiClient.unique("Lamp"), "price", 10)).id();
        Response review = client.post("/api/v1/products/" + product + "/reviews", stranger.token(),
                Map.of("rating", 5, "title", "great"));
        assertThat(review.status()).isEqualTo(201);
        JsonNode before = client.get("/api/v1/products/" + product).json();

        assertForbidden(client.put("/api/v1/products/" + product, stranger.token(),
                Map.of("name", "Hijacked", "price", 0)));
        assertForbidden(client.patch("/api/v1/products/" + product, stranger.token(), Map.of("price", 0)));
        assertForbidden(client.delete("/api/v1/products/" + product, stranger.token()));

        assertThat(client.get("/api/v1/products/" + product).json()).isEqualTo(before);
        assertThat(client.get("/api/v1/reviews/" + review.id()).status()).isEqualTo(200);
        assertThat(client.patch("/api/v1/products/" + product, creator.token(), Map.of("price", 12)).status())
                .isEqualTo(200);
        assertThat(client.patch("/api/v1/products/" + product, ADMIN_TOKEN, Map.of("price", 13)).status())
                .isEqualTo(200);
        assertThat(client.delete("/api/v1/products/" + product, ADMIN_TOKEN).status()).isEqualTo(204);
    }

    @Test
    void only_the_creator_or_an_admin_changes_a_category_or_deletes_an_image() {
        UUID category = client.post("/api/v1/categories", creator.token(),
                Map.of("name", ApiClient.unique("Lighting"))).id();
        UUID product = client.post("/api/v1/products", stranger.token(),
                Map.of("name", ApiClient.unique("Bulb"), "price", 1)).id();
        UUID image = client.post("/api/v1/products/" + product + "/images", creator.token(),
                Map.of("url", "https://img.example.com/bulb.png")).id();

        assertForbidden(client.patch("/api/v1/categories/" + category, stranger.token(), Map.of("name", "Mine")));
        assertForbidden(client.delete("/api/v1/categories/" + category, stranger.token()));
        assertForbidden(client.delete("/api/v1/products/" + product + "/images/" + image, stranger.token()));

        assertThat(client.get("/api/v1/categories/" + category).json().get("name").asText()).startsWith("Lighting");
        assertThat(client.get("/api/v1/products/" + product + "/images").json().get("total").asLong()).isEqualTo(1);
        assertThat(client.delete("/api/v1/categories/" + category, creator.token()).status()).isEqualTo(204);
        assertThat(client.delete("/api/v1/products/" + product + "/images/" + image, creator.token()).status())
                .isEqualTo(204);
    }

    @Test
    void an_admin_removes_anyone_s_review_but_another_user_cannot() {
        UUID product = client.post("/api/v1/products", creator.token(),
                Map.of("name", ApiClient.unique("Desk"), "price", 99)).id();
        UUID review = client.post("/api/v1/products/" + product + "/reviews", creator.token(),
                Map.of("rating", 1, "title", "wobbly")).id();

        assertForbidden(client.delete("/api/v1/reviews/" + review, stranger.token()));
        assertThat(client.get("/api/v1/reviews/" + review).status()).isEqualTo(200);
        assertThat(client.delete("/api/v1/reviews/" + review, ADMIN_TOKEN).status()).isEqualTo(204);
        assertForbidden(client.post("/api/v1/products/" + product + "/reviews", ADMIN_TOKEN,
                Map.of("rating", 5, "title", "the operator is no user")));
    }

    @Test
    void the_admin_token_grants_the_role_which_then_lets_a_user_moderate_and_grant() {
        User moderator = client.newUser("moderator");
        UUID product = client.post("/api/v1/products", creator.token(),
                Map.of("name", ApiClient.unique("Chair"), "price", 5)).id();

        assertForbidden(client.put("/api/v1/users/" + stranger.id() + "/admin", stranger.token(),
                Map.of("is_admin", true)));
        assertForbidden(client.put("/api/v1/users/" + stranger.id() + "/admin", moderator.token(),
                Map.of("is_admin", true)));
        assertThat(client.get("/api/v1/users/me", stranger.token()).json().get("is_admin").asBoolean()).isFalse();

        Response granted = client.put("/api/v1/users/" + moderator.id() + "/admin", ADMIN_TOKEN,
                Map.of("is_admin", true));
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        assertThat(client.get("/api/v1/users/me", moderator.token()).json().get("is_admin").asBoolean()).isTrue();
        assertThat(client.patch("/api/v1/products/" + product, moderator.token(), Map.of("price", 6)).status())
                .isEqualTo(200);

        assertThat(client.put("/api/v1/users/" + moderator.id() + "/admin", moderator.token(),
                Map.of("is_admin", false)).status()).isEqualTo(200);
        assertForbidden(client.patch("/api/v1/products/" + product, moderator.token(), Map.of("price", 7)));
    }

    @Test
    void emails_are_shown_to_their_user_and_to_admins_only() {
        String path = "/api/v1/users/" + creator.id();

        assertThat(client.get(path).json().has("email")).isFalse();
        assertThat(client.get(path, stranger.token()).json().has("email")).isFalse();
        assertThat(client.get("/api/v1/users?limit=100").json().get("items").findValues("email")).isEmpty();
        assertThat(client.get("/api/v1/users?limit=100", stranger.token()).json().get("items").findValuesAsText("email"))
                .containsExactly((stranger.username() + "@example.com").toLowerCase(java.util.Locale.ROOT));
        assertThat(client.get(path, creator.token()).json().get("email").asText()).contains("@");
        assertThat(client.get(path, ADMIN_TOKEN).json().get("email").asText()).contains("@");
        assertThat(client.get("/api/v1/users/me", creator.token()).json().get("email").asText()).contains("@");
        assertThat(client.get("/api/v1/activity?limit=100").body()).doesNotContain("@example.com");
    }

    @Test
    void a_body_not_declared_json_is_refused_with_415_and_nothing_is_created() {
        long before = client.get("/api/v1/categories").json().get("total").asLong();
        Response refused = client.send(HttpRequest.newBuilder(client.uri("/api/v1/categories"))
                .header("Authorization", "Bearer " + creator.token())
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"csrf\"}")).build());

        assertThat(refused.status()).isEqualTo(415);
        assertThat(refused.errorCode()).isEqualTo("unsupported_media_type");
        assertThat(client.get("/api/v1/categories").json().get("total").asLong()).isEqualTo(before);
    }

    @Test
    void a_review_body_over_one_mebibyte_is_refused_with_413_and_nothing_is_created() {
        UUID product = client.post("/api/v1/products", creator.token(),
                Map.of("name", ApiClient.unique("Rug"), "price", 20)).id();
        String huge = "{\"rating\": 3, \"title\": \"long\", \"body\": \"" + "x".repeat(1024 * 1024) + "\"}";

        Response refused = client.send("POST", "/api/v1/products/" + product + "/reviews", stranger.token(), huge);

        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.errorCode()).isEqualTo("payload_too_large");
        assertThat(client.get("/api/v1/products/" + product + "/reviews").json().get("total").asLong()).isZero();
    }
}
