package dev.peersync.it.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.check.WriteHistory.Kind;
import dev.peersync.it.fixture.ApiResponse;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.testing.Await;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Review API calls made by the scenarios, each recorded in a {@link WriteHistory} with the columns the call set
 * (text columns, which read back from the database exactly as sent).
 */
final class ReviewCalls {
    static final Duration VISIBLE = Duration.ofSeconds(30);

    private final WriteHistory history;

    ReviewCalls(WriteHistory history) {
        this.history = history;
    }

    static ObjectNode values(String... pairs) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.put(pairs[i], pairs[i + 1]);
        }
        return node;
    }

    /** Registers a user on {@code node}; returns its id. */
    String register(ClusterNode node, String username) {
        long start = System.nanoTime();
        ApiResponse response = node.api().post("/api/v1/auth/register", Map.of("username", username,
                "email", username.toLowerCase() + "@example.com", "password", "password123")).requireOk();
        String id = response.text("id");
        history.record(node.name(), "users", id, Kind.INSERT, values("id", id, "username", username), start,
                System.nanoTime());
        return id;
    }

    String login(ClusterNode node, String username) {
        return node.api().login(username, "password123");
    }

    String createCategory(ClusterNode node, String token, String name) {
        return create(node, token, "categories", "/api/v1/categories", Map.of("name", name), "name", name);
    }

    String createProduct(ClusterNode node, String token, String name, String categoryId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("price", 19.99);
        if (categoryId != null) {
            body.put("category_id", categoryId);
        }
        return create(node, token, "products", "/api/v1/products", body, "name", name);
    }

    String createReview(ClusterNode node, String token, String productId, String title) {
        return create(node, token, "reviews", "/api/v1/products/" + productId + "/reviews",
                Map.of("rating", 4, "title", title, "body", "solid"), "title", title);
    }

    String createImage(ClusterNode node, String token, String productId, String url) {
        return create(node, token, "product_images", "/api/v1/products/" + productId + "/images",
                Map.of("url", url, "alt_text", "front"), "url", url);
    }

    String createMedia(ClusterNode node, String token, String reviewId, String url) {
        return create(node, token, "review_media", "/api/v1/reviews/" + reviewId + "/media",
                Map.of("url", url, "media_type", "image"), "url", url);
    }

    private String create(ClusterNode node, String token, String table, String path, Map<String, Object> body,
                          String column, String value) {
        long start = System.nanoTime();
        ApiResponse response = node.api().post(path, body, token);
        if (!response.ok()) {
            throw new AssertionError("Creating a row of " + table + " on " + node.name() + " failed: " + response);
        }
        String id = response.text("id");
        history.record(node.name(), table, id, Kind.INSERT, values("id", id, column, value), start, System.nanoTime());
        return id;
    }

    /** Waits until {@code GET path} answers 200 on {@code node} (a row synced there). */
    static JsonNode awaitVisible(ClusterNode node, String path) {
        return Await.until(path + " on " + node.name(), VISIBLE, () -> node.api().get(path),
                response -> response.status() == 200).json();
    }
}
