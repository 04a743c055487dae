package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CategoriesIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension();

    private final ApiClient client = api.client();
    private final User user = client.newUser("cat");

    private UUID create(String name, UUID parentId) {
        Response created = client.post("/api/v1/categories", user.token(),
                client.object("name", name, "description", "about " + name, "parent_id", parentId));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.id();
    }

    @Test
    void category_crud_round_trip() {
        UUID parent = create(ApiClient.unique("Kitchen"), null);
        UUID child = create(ApiClient.unique("Kettles"), parent);

        Response fetched = client.get("/api/v1/categories/" + child);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("parent_id").asText()).isEqualTo(parent.toString());
        assertThat(fetched.json().get("created_at").asText()).endsWith("Z");

        Response put = client.put("/api/v1/categories/" + child, user.token(), Map.of("name", "Teapots"));
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("name").asText()).isEqualTo("Teapots");
        assertThat(put.json().get("description").isNull()).as("PUT replaces the whole category").isTrue();
        assertThat(put.json().get("parent_id").isNull()).isTrue();

        Response patch = client.patch("/api/v1/categories/" + child, user.token(), Map.of("description", "hot"));
        assertThat(patch.json().get("name").asText()).isEqualTo("Teapots");
        assertThat(patch.json().get("description").asText()).isEqualTo("hot");

        Response list = client.get("/api/v1/categories?limit=500");
        assertThat(list.json().get("items").findValuesAsText("id")).contains(parent.toString(), child.toString());

        assertThat(client.delete("/api/v1/categories/" + child, user.token()).status()).isEqualTo(204);
        assertThat(client.get("/api/v1/categories/" + child).status()).isEqualTo(404);
        assertThat(client.delete("/api/v1/categories/" + child, user.token()).status()).isEqualTo(404);
    }

    @Test
    void deleting_a_parent_detaches_its_children_and_products() {
        UUID parent = create(ApiClient.unique("Garden"), null);
        UUID child = create(ApiClient.unique("Hoses"), parent);
        Response product = client.post("/api/v1/products", user.token(),
                client.object("name", "Hose", "price", 10, "category_id", parent));

        assertThat(client.delete("/api/v1/categories/" + parent, user.token()).status()).isEqualTo(204);

        assertThat(client.get("/api/v1/categories/" + child).json().get("parent_id").isNull()).isTrue();
        assertThat(client.get("/api/v1/products/" + product.id()).json().get("category_id").isNull()).isTrue();
    }

    @Test
    void filtering_by_parent_lists_only_its_children() {
        UUID parent = create(ApiClient.unique("Office"), null);
        UUID child = create(ApiClient.unique("Pens"), parent);
        create(ApiClient.unique("Elsewhere"), null);

        Response children = client.get("/api/v1/categories?parent_id=" + parent);

        assertThat(children.json().get("items").findValuesAsText("id")).containsExactly(child.toString());
        assertThat(children.json().get("total").asLong()).isEqualTo(1);
    }

    @Test
    void invalid_categories_answer_422() {
        UUID parent = create(ApiClient.unique("Toys"), null);
        UUID child = create(ApiClient.unique("Dolls"), parent);

        Response noName = client.post("/api/v1/categories", user.token(), Map.of("description", "x"));
        Response unknownParent = client.post("/api/v1/categories", user.token(),
                client.object("name", "Orphan", "parent_id", UUID.randomUUID()));
        Response badParent = client.post("/api/v1/categories", user.token(),
                client.object("name", "Orphan", "parent_id", "nope"));
        Response cycle = client.patch("/api/v1/categories/" + parent, user.token(), Map.of("parent_id", child));
        Response self = client.patch("/api/v1/categories/" + parent, user.token(), Map.of("parent_id", parent));

        for (Response response : new Response[] {noName, unknownParent, badParent, cycle, self}) {
            assertThat(response.status()).as(response.toString()).isEqualTo(422);
            assertThat(response.errorCode()).isEqualTo("validation_failed");
        }
        assertThat(client.get("/api/v1/categories/" + parent).json().get("parent_id").isNull()).isTrue();
    }

    @Test
    void category_writes_need_a_token() {
        UUID id = create(ApiClient.unique("Tools"), null);

        assertThat(client.post("/api/v1/categories", null, Map.of("name", "x")).status()).isEqualTo(401);
        assertThat(client.put("/api/v1/categories/" + id, null, Map.of("name", "x")).status()).isEqualTo(401);
        assertThat(client.patch("/api/v1/categories/" + id, "bad", Map.of("name", "x")).status()).isEqualTo(401);
        assertThat(client.delete("/api/v1/categories/" + id, null).status()).isEqualTo(401);
        assertThat(client.get("/api/v1/categories/" + id).json().get("name").asText()).startsWith("Tools");
    }

    @Test
    void updating_an_unknown_category_answers_404() {
        Response response = client.put("/api/v1/categories/" + UUID.randomUUID(), user.token(), Map.of("name", "x"));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.errorCode()).isEqualTo("not_found");
    }
}
