package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReviewsIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension();

    private final ApiClient client = api.client();
    private final User author = client.newUser("author");
    private final User other = client.newUser("other");
    private final UUID product = client.post("/api/v1/products", author.token(),
            Map.of("name", ApiClient.unique("Reviewed"), "price", 3)).id();

    private Response review(User user, UUID productId, Object body) {
        return client.post("/api/v1/products/" + productId + "/reviews", user.token(), body);
    }

    @Test
    void review_round_trip_updates_the_product_aggregates() {
        Response created = review(author, product, Map.of("rating", 4, "title", "Good", "body", "Works well"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("user_id").asText()).isEqualTo(author.id().toString());
        assertThat(created.json().get("username").asText()).isEqualTo(author.username());
        assertThat(created.json().get("product_id").asText()).isEqualTo(product.toString());
        UUID id = created.id();
        assertThat(review(other, product, Map.of("rating", 1, "title", "Bad")).status()).isEqualTo(201);

        Response productView = client.get("/api/v1/products/" + product);
        assertThat(productView.json().get("average_rating").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(productView.json().get("review_count").asLong()).isEqualTo(2);

        Response list = client.get("/api/v1/products/" + product + "/reviews/");
        assertThat(list.json().get("total").asLong()).isEqualTo(2);
        assertThat(list.json().get("items").findValuesAsText("title")).containsExactly("Bad", "Good");

        Response patched = client.patch("/api/v1/reviews/" + id, author.token(), Map.of("rating", 5));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("title").asText()).isEqualTo("Good");
        assertThat(patched.json().get("body").asText()).isEqualTo("Works well");
        Response put = client.put("/api/v1/reviews/" + id, author.token(), Map.of("rating", 3, "title", "Fine"));
        assertThat(put.json().get("body").isNull()).isTrue();
        assertThat(client.get("/api/v1/reviews/" + id).json().get("title").asText()).isEqualTo("Fine");
        assertThat(client.get("/api/v1/products/" + product).json().get("average_rating").decimalValue())
                .isEqualByComparingTo("2.0");

        assertThat(client.delete("/api/v1/reviews/" + id, author.token()).status()).isEqualTo(204);
        assertThat(client.get("/api/v1/reviews/" + id).status()).isEqualTo(404);
        assertThat(client.get("/api/v1/products/" + product).json().get("review_count").asLong()).isEqualTo(1);
    }

    @Test
    void a_second_review_of_one_product_by_one_user_answers_409() {
        assertThat(review(author, product, Map.of("rating", 4, "title", "First")).status()).isEqualTo(201);

        Response second = review(author, product, Map.of("rating", 2, "title", "Second"));

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.errorCode()).isEqualTo("conflict");
        assertThat(client.get("/api/v1/products/" + product + "/reviews").json().get("total").asLong()).isEqualTo(1);
    }

    @Test
    void only_the_author_may_change_or_delete_a_review() {
        UUID id = review(author, product, Map.of("rating", 4, "title", "Mine")).id();

        Response put = client.put("/api/v1/reviews/" + id, other.token(), Map.of("rating", 1, "title", "Hacked"));
        Response patch = client.patch("/api/v1/reviews/" + id, other.token(), Map.of("rating", 1));
        Response delete = client.delete("/api/v1/reviews/" + id, other.token());
        Response anonymous = client.delete("/api/v1/reviews/" + id, null);

        assertThat(List.of(put.status(), patch.status(), delete.status())).containsOnly(403);
        assertThat(put.errorCode()).isEqualTo("forbidden");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(client.get("/api/v1/reviews/" + id).json().get("title").asText()).isEqualTo("Mine");
    }

    @Test
    void invalid_reviews_answer_422() {
        for (Object body : List.of(Map.of("rating", 0, "title", "t"), Map.of("rating", 6, "title", "t"),
                Map.of("rating", 4.5, "title", "t"), Map.of("rating", "5", "title", "t"), Map.of("title", "t"),
                Map.of("rating", 3), Map.of("rating", 3, "title", "t".repeat(201)))) {
            Response response = review(author, product, body);
            assertThat(response.status()).as(body + " -> " + response).isEqualTo(422);
        }
        assertThat(client.get("/api/v1/products/" + product + "/reviews").json().get("total").asLong()).isZero();
    }

    @Test
    void reviews_of_unknown_products_or_unknown_reviews_answer_404() {
        UUID unknown = UUID.randomUUID();

        assertThat(review(author, unknown, Map.of("rating", 3, "title", "t")).status()).isEqualTo(404);
        assertThat(client.get("/api/v1/products/" + unknown + "/reviews").status()).isEqualTo(404);
        assertThat(client.get("/api/v1/reviews/" + unknown).status()).isEqualTo(404);
        assertThat(client.patch("/api/v1/reviews/" + unknown, author.token(), Map.of("rating", 3)).status())
                .isEqualTo(404);
        assertThat(client.delete("/api/v1/reviews/" + unknown, author.token()).status()).isEqualTo(404);
    }

    @Test
    void deleting_a_product_deletes_its_reviews() {
        UUID doomed = client.post("/api/v1/products", author.token(), Map.of("name", "Doomed", "price", 1)).id();
        UUID reviewId = review(other, doomed, Map.of("rating", 2, "title", "meh")).id();

        assertThat(client.delete("/api/v1/products/" + doomed, author.token()).status()).isEqualTo(204);

        assertThat(client.get("/api/v1/reviews/" + reviewId).status()).isEqualTo(404);
    }
}
