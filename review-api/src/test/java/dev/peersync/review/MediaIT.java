package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MediaIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension();

    private final ApiClient client = api.client();
    private final User author = client.newUser("media");
    private final User other = client.newUser("media");
    private final UUID product = client.post("/api/v1/products", author.token(),
            Map.of("name", ApiClient.unique("Pictured"), "price", 3)).id();

    @Test
    void product_images_are_added_listed_by_position_and_deleted() {
        String images = "/api/v1/products/" + product + "/images";
        Response first = client.post(images, author.token(), Map.of("url", "https://img.example.com/a.png"));
        Response second = client.post(images, other.token(),
                Map.of("url", "http://img.example.com/b.png", "alt_text", "side view"));
        Response front = client.post(images, author.token(),
                Map.of("url", "https://img.example.com/0.png", "position", 0));

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("position").asInt()).isZero();
        assertThat(second.json().get("position").asInt()).isEqualTo(1);
        assertThat(second.json().get("alt_text").asText()).isEqualTo("side view");
        Response list = client.get(images + "/");
        assertThat(list.json().get("items").findValuesAsText("url")).containsExactly(
                "https://img.example.com/a.png", "https://img.example.com/0.png", "http://img.example.com/b.png");

        // Only an image's creator (or an admin) may delete it, even on someone else's product.
        Response refused = client.delete(images + "/" + second.id(), author.token());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("error").get("code").asText()).isEqualTo("forbidden");
        assertThat(client.get(images).json().get("total").asLong()).isEqualTo(3);
        assertThat(client.delete(images + "/" + second.id(), other.token()).status()).isEqualTo(204);
        assertThat(client.delete(images + "/" + second.id(), other.token()).status()).isEqualTo(404);
        assertThat(client.get(images).json().get("total").asLong()).isEqualTo(2);
    }

    @Test
    void invalid_images_answer_422_and_unknown_products_404() {
        String images = "/api/v1/products/" + product + "/images";
        for (Object body : List.of(Map.of(), Map.of("url", "ftp://x.example.com/a"), Map.of("url", "not a url"),
                Map.of("url", "https://x.example.com/a", "position", -1),
                Map.of("url", "https://x.example.com/a", "position", "first"))) {
            assertThat(client.post(images, author.token(), body).status()).as(body.toString()).isEqualTo(422);
        }
        UUID unknown = UUID.randomUUID();
        assertThat(client.post("/api/v1/products/" + unknown + "/images", author.token(),
                Map.of("url", "https://x.example.com/a")).status()).isEqualTo(404);
        assertThat(client.get("/api/v1/products/" + unknown + "/images").status()).isEqualTo(404);
        assertThat(client.post(images, null, Map.of("url", "https://x.example.com/a")).status()).isEqualTo(401);
    }

    @Test
    void review_media_belongs_to_the_review_author() {
        UUID review = client.post("/api/v1/products/" + product + "/reviews", author.token(),
                Map.of("rating", 5, "title", "With pictures")).id();
        String media = "/api/v1/reviews/" + review + "/media";

        Response image = client.post(media, author.token(),
                Map.of("url", "https://cdn.example.com/1.jpg", "media_type", "image"));
        Response video = client.post(media, author.token(),
                Map.of("url", "https://cdn.example.com/1.mp4", "media_type", "video"));
        Response foreign = client.post(media, other.token(),
                Map.of("url", "https://cdn.example.com/2.jpg", "media_type", "image"));
        Response badType = client.post(media, author.token(),
                Map.of("url", "https://cdn.example.com/1.gif", "media_type", "gif"));

        assertThat(image.status()).isEqualTo(201);
        assertThat(image.json().get("media_type").asText()).isEqualTo("image");
        assertThat(video.status()).isEqualTo(201);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(badType.status()).isEqualTo(422);
        assertThat(client.get(media).json().get("items").findValuesAsText("media_type"))
                .containsExactly("image", "video");

        assertThat(client.delete(media + "/" + image.id(), other.token()).status()).isEqualTo(403);
        assertThat(client.delete(media + "/" + image.id(), author.token()).status()).isEqualTo(204);
        assertThat(client.delete(media + "/" + UUID.randomUUID(), author.token()).status()).isEqualTo(404);
        assertThat(client.get(media).json().get("total").asLong()).isEqualTo(1);

        assertThat(client.delete("/api/v1/reviews/" + review, author.token()).status()).isEqualTo(204);
        assertThat(client.get(media).status()).isEqualTo(404);
    }
}
