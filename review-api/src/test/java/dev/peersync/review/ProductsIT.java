package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProductsIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension();

    private final ApiClient client = api.client();
    private final User user = client.newUser("seller");

    private UUID category(String name) {
        return client.post("/api/v1/categories", user.token(), Map.of("name", name)).id();
    }

    private UUID product(String name, String price, UUID categoryId, String description) {
        Response created = client.post("/api/v1/products", user.token(), client.object("name", name,
                "description", description, "price", new BigDecimal(price), "category_id", categoryId));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.id();
    }

    private void review(User author, UUID productId, int rating) {
        Response created = client.post("/api/v1/products/" + productId + "/reviews", author.token(),
                Map.of("rating", rating, "title", "rated " + rating));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private static List<String> names(Response response) {
        List<String> names = new ArrayList<>();
        for (JsonNode item : response.json().get("items")) {
            names.add(item.get("name").asText());
        }
        return names;
    }

    @Test
    void sku_is_refused_until_the_database_has_the_column_then_read_and_written() throws Exception {
        try (java.sql.Connection c = api.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("ALTER TABLE products DROP COLUMN IF EXISTS sku");
            String name = ApiClient.unique("SkuBefore");
            Response refused = client.post("/api/v1/products", user.token(), client.object("name", name, "price", 1,
                    "sku", "SKU-1"));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
            assertThat(refused.json().path("error").path("details").findValuesAsText("field")).containsExactly("sku");
            assertThat(names(client.get("/api/v1/products?q=" + name))).as("nothing written").isEmpty();
            UUID plain = product(ApiClient.unique("NoSku"), "2", null, null);
            assertThat(client.get("/api/v1/products/" + plain).json().get("sku").isNull()).isTrue();

            s.execute("ALTER TABLE products ADD COLUMN sku text"); // the site migration of a rolling upgrade
            Response created = client.post("/api/v1/products", user.token(), client.object("name",
                    ApiClient.unique("With sku"), "price", 3, "sku", "SKU-2"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.json().get("sku").asText()).isEqualTo("SKU-2");
            Response patched = client.patch("/api/v1/products/" + created.id(), user.token(), Map.of("price", 4));
            assertThat(patched.json().get("sku").asText()).as("PATCH keeps what it does not name").isEqualTo("SKU-2");
            Response set = client.patch("/api/v1/products/" + plain, user.token(), Map.of("sku", "SKU-3"));
            assertThat(client.get("/api/v1/products/" + plain).json().get("sku").asText()).as(set.toString())
                    .isEqualTo("SKU-3");
            Response stranger = client.patch("/api/v1/products/" + plain, client.newUser("stranger").token(),
                    Map.of("sku", "STOLEN"));
            assertThat(stranger.status()).as("only the creator or an admin sets sku: " + stranger).isEqualTo(403);
            assertThat(client.patch("/api/v1/products/" + plain, null, Map.of("sku", "ANON")).status()).isEqualTo(401);
            assertThat(client.get("/api/v1/products/" + plain).json().get("sku").asText()).as("nothing changed")
                    .isEqualTo("SKU-3");
        }
    }

    @Test
    void product_crud_round_trip_keeps_the_exact_price() {
        UUID category = category(ApiClient.unique("Audio"));
        Response created = client.post("/api/v1/products", user.token(),
                "{\"name\": \"Speaker\", \"description\": \"loud\", \"price\": 19.99, \"category_id\": \""
                        + category + "\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("price").isNumber()).isTrue();
        assertThat(created.json().get("price").decimalValue()).isEqualByComparingTo("19.99");
        assertThat(created.json().get("average_rating").isNull()).isTrue();
        assertThat(created.json().get("review_count").asLong()).isZero();
        UUID id = created.id();

        Response fetched = client.get("/api/v1/products/" + id);
        assertThat(fetched.json().get("name").asText()).isEqualTo("Speaker");
        assertThat(fetched.json().get("category_id").asText()).isEqualTo(category.toString());

        Response put = client.put("/api/v1/products/" + id, user.token(), Map.of("name", "Big speaker", "price", 25));
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("description").isNull()).as("PUT replaces").isTrue();
        assertThat(put.json().get("category_id").isNull()).isTrue();
        assertThat(put.json().get("created_at").asText()).isEqualTo(created.json().get("created_at").asText());

        Response patch = client.patch("/api/v1/products/" + id, user.token(), Map.of("price", 30.5));
        assertThat(patch.status()).isEqualTo(200);
        assertThat(patch.json().get("name").asText()).isEqualTo("Big speaker");
        assertThat(patch.json().get("price").decimalValue()).isEqualByComparingTo("30.5");

        Response cleared = client.patch("/api/v1/products/" + id, user.token(), client.object("description", null));
        assertThat(cleared.json().get("description").isNull()).isTrue();

        assertThat(client.delete("/api/v1/products/" + id, user.token()).status()).isEqualTo(204);
        assertThat(client.get("/api/v1/products/" + id).status()).isEqualTo(404);
        assertThat(client.patch("/api/v1/products/" + id, user.token(), Map.of("price", 1)).status()).isEqualTo(404);
    }

    @Test
    void invalid_products_answer_422_and_change_nothing() {
        UUID id = product(ApiClient.unique("Valid"), "5.00", null, null);
        List<Object> bodies = List.of(
                Map.of("price", 1),
                Map.of("name", "x"),
                Map.of("name", "x", "price", -1),
                Map.of("name", "x", "price", new BigDecimal("1.234")),
                Map.of("name", "x", "price", new BigDecimal("10000000000")),
                Map.of("name", "x", "price", "12"),
                Map.of("name", "", "price", 1),
                Map.of("name", "x", "price", 1, "category_id", UUID.randomUUID().toString()),
                Map.of("name", List.of("x"), "price", 1));
        for (Object body : bodies) {
            Response created = client.post("/api/v1/products", user.token(), body);
            assertThat(created.status()).as(body + " -> " + created).isEqualTo(422);
            Response updated = client.put("/api/v1/products/" + id, user.token(), body);
            assertThat(updated.status()).as(body + " -> " + updated).isEqualTo(422);
        }
        assertThat(client.get("/api/v1/products/" + id).json().get("price").decimalValue()).isEqualByComparingTo("5");
    }

    @Test
    void product_writes_need_a_token() {
        UUID id = product(ApiClient.unique("Guarded"), "1", null, null);

        assertThat(client.post("/api/v1/products", null, Map.of("name", "x", "price", 1)).status()).isEqualTo(401);
        assertThat(client.put("/api/v1/products/" + id, null, Map.of("name", "x", "price", 1)).status())
                .isEqualTo(401);
        assertThat(client.patch("/api/v1/products/" + id, null, Map.of("price", 2)).status()).isEqualTo(401);
        assertThat(client.delete("/api/v1/products/" + id, "not.a.token").status()).isEqualTo(401);
    }

    @Test
    void filters_select_by_category_text_and_price_range() {
        String tag = ApiClient.unique("zq");
        UUID tea = category(ApiClient.unique("Tea"));
        product("Green " + tag, "4.50", tea, "leaves");
        product("Black " + tag, "6.00", tea, "strong 100% leaves");
        product("Mug", "12.00", tea, "for " + tag + " lovers");
        product("Other " + tag, "8.00", null, "under_score! 50%");

        Response byCategory = client.get("/api/v1/products?category_id=" + tea + "&sort=price");
        Response byText = client.get("/api/v1/products?q=" + tag.toUpperCase() + "&sort=price");
        Response byPrice = client.get("/api/v1/products?q=" + tag + "&min_price=5&max_price=8.00&sort=price");
        Response literalPercent = client.get("/api/v1/products?q=100%25&category_id=" + tea);
        // "_" would match the "r" of "under_score" if it were a wildcard
        Response literalUnderscore = client.get("/api/v1/products?q=unde_");
        Response literalBang = client.get("/api/v1/products?q=e!+50%25");

        assertThat(names(byCategory)).containsExactly("Green " + tag, "Black " + tag, "Mug");
        assertThat(byCategory.json().get("total").asLong()).isEqualTo(3);
        assertThat(names(byText)).containsExactly("Green " + tag, "Black " + tag, "Other " + tag, "Mug");
        assertThat(names(byPrice)).containsExactly("Black " + tag, "Other " + tag);
        assertThat(names(literalPercent)).containsExactly("Black " + tag);
        assertThat(names(literalUnderscore)).isEmpty();
        assertThat(names(literalBang)).containsExactly("Other " + tag);
    }

    @Test
    void sorting_by_price_creation_and_rating_orders_the_page() {
        UUID cat = category(ApiClient.unique("Sorted"));
        UUID cheap = product("cheap", "1.00", cat, null);
        UUID middle = product("middle", "5.00", cat, null);
        UUID dear = product("dear", "9.00", cat, null);
        User a = client.newUser("rater");
        User b = client.newUser("rater");
        review(a, cheap, 5);
        review(b, cheap, 4);
        review(a, dear, 2);

        String base = "/api/v1/products?category_id=" + cat + "&sort=";
        assertThat(names(client.get(base + "price"))).containsExactly("cheap", "middle", "dear");
        assertThat(names(client.get(base + "-price"))).containsExactly("dear", "middle", "cheap");
        assertThat(names(client.get(base + "created_at"))).containsExactly("cheap", "middle", "dear");
        assertThat(names(client.get(base + "-created_at"))).containsExactly("dear", "middle", "cheap");
        assertThat(names(client.get(base + "-rating"))).containsExactly("cheap", "dear", "middle");
        assertThat(names(client.get(base + "rating"))).containsExactly("dear", "cheap", "middle");

        JsonNode first = client.get(base + "-rating").json().get("items").get(0);
        assertThat(first.get("average_rating").decimalValue()).isEqualByComparingTo("4.5");
        assertThat(first.get("review_count").asLong()).isEqualTo(2);
        assertThat(client.get("/api/v1/products/" + middle).json().get("average_rating").isNull()).isTrue();
    }

    @Test
    void pagination_walks_a_filtered_listing_without_overlap() {
        UUID cat = category(ApiClient.unique("Paged"));
        for (int i = 0; i < 5; i++) {
            product("p" + i, "1.00", cat, null);
        }
        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 6; offset += 2) {
            Response page = client.get("/api/v1/products?category_id=" + cat + "&sort=price&limit=2&offset=" + offset);
            assertThat(page.json().get("total").asLong()).isEqualTo(5);
            seen.addAll(page.json().get("items").findValuesAsText("id"));
        }
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
    }

    @Test
    void bad_listing_parameters_answer_400() {
        for (String query : List.of("sort=name", "min_price=cheap", "max_price=1e", "category_id=42",
                "min_price=5&max_price=1", "limit=0", "limit=501")) {
            Response response = client.get("/api/v1/products?" + query);
            assertThat(response.status()).as(query + " -> " + response).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("bad_request");
        }
    }
}
