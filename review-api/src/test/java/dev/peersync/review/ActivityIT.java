package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ActivityIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension();

    private final ApiClient client = api.client();
    private final User user = client.newUser("active");

    private JsonNode activityOf(User who) {
        Response response = client.get("/api/v1/activity?limit=500&user_id=" + who.id());
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    @Test
    void every_write_appends_one_activity_row_newest_first() {
        UUID product = client.post("/api/v1/products", user.token(), Map.of("name", "Logged", "price", 2)).id();
        client.patch("/api/v1/products/" + product, user.token(), Map.of("price", 3));
        client.delete("/api/v1/products/" + product, user.token());

        Response history = client.get("/api/v1/activity?entity_type=product&entity_id=" + product);

        assertThat(history.json().get("total").asLong()).isEqualTo(3);
        assertThat(history.json().get("items").findValuesAsText("action"))
                .containsExactly("delete", "update", "create");
        JsonNode update = history.json().get("items").get(1);
        assertThat(update.get("user_id").asText()).isEqualTo(user.id().toString());
        assertThat(update.get("entity_type").asText()).isEqualTo("product");
        assertThat(update.get("details").get("price").decimalValue()).isEqualByComparingTo("3");
        assertThat(update.get("created_at").asText()).endsWith("Z");
    }

    @Test
    void registration_is_logged_without_the_password_hash() {
        User fresh = client.newUser("logged");

        JsonNode rows = activityOf(fresh);

        assertThat(rows.get("items").findValuesAsText("entity_type")).containsExactly("user");
        assertThat(rows.get("items").get(0).get("entity_id").asText()).isEqualTo(fresh.id().toString());
        assertThat(rows.toString()).doesNotContain("password").doesNotContain("$2a$");
    }

    @Test
    void rejected_or_rolled_back_writes_leave_no_activity() {
        UUID product = client.post("/api/v1/products", user.token(), Map.of("name", "Once", "price", 2)).id();
        client.post("/api/v1/products/" + product + "/reviews", user.token(), Map.of("rating", 5, "title", "1st"));
        long before = activityOf(user).get("total").asLong();

        Response duplicate = client.post("/api/v1/products/" + product + "/reviews", user.token(),
                Map.of("rating", 4, "title", "2nd"));
        Response invalid = client.post("/api/v1/products", user.token(), Map.of("name", "Bad", "price", -2));

        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(activityOf(user).get("total").asLong()).isEqualTo(before);
    }

    @Test
    void activity_pages_and_rejects_bad_filters() {
        for (int i = 0; i < 3; i++) {
            client.post("/api/v1/categories", user.token(), Map.of("name", "c" + i));
        }
        Response page = client.get("/api/v1/activity?entity_type=category&user_id=" + user.id() + "&limit=2");
        Response rest = client.get("/api/v1/activity?entity_type=category&user_id=" + user.id()
                + "&limit=2&offset=2");

        assertThat(page.json().get("items").size()).isEqualTo(2);
        assertThat(rest.json().get("items").size()).isEqualTo(1);
        for (String query : List.of("user_id=me", "limit=abc", "entity_id=1")) {
            assertThat(client.get("/api/v1/activity?" + query).status()).as(query).isEqualTo(400);
        }
    }
}
