package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.RunningNodes;
import dev.peersync.testing.PostgresExtension;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /openapi.json} describes every route the node serves, and only those: the test reads the routes from the
 * running node's router, so a new route without an operation (or an operation left behind) fails it. Swagger UI
 * is served at {@code /docs}.
 */
class OpenApiIT {
    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    @RegisterExtension
    final RunningNodes nodes = new RunningNodes();

    @Test
    void the_document_covers_every_registered_route_and_swagger_ui_serves_it() {
        Node node = nodes.start("openapi", pg.newDatabase("openapi"), Map.of());
        Http http = new Http(node.apiPort());
        Http.Response response = http.get("/openapi.json");
        assertThat(response.status()).isEqualTo(200);
        JsonNode doc = response.json();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(node.httpRoutes());

        // Schemas come from the Java types, with the JSON names clients get.
        JsonNode product = doc.at("/components/schemas/ProductView/properties");
        assertThat(product.get("price").get("type").asText()).isEqualTo("number");
        assertThat(http.post("/api/v1/auth/register", "{\"username\": \"openapi\", \"email\": \"o@example.com\","
                + " \"password\": \"password123\"}").status()).isEqualTo(201);
        String token = http.post("/api/v1/auth/login", "{\"username\": \"openapi\", \"password\": \"password123\"}")
                .json().get("access_token").asText();
        JsonNode created = http.post("/api/v1/products", "{\"name\": \"described\", \"price\": 2}",
                Map.of("Authorization", "Bearer " + token)).json();
        Set<String> answered = new TreeSet<>();
        created.fieldNames().forEachRemaining(answered::add);
        Set<String> described = new TreeSet<>();
        product.fieldNames().forEachRemaining(described::add);
        assertThat(described).as("the schema's properties are the fields the API answers with")
                .containsExactlyInAnyOrderElementsOf(answered);
        assertThat(doc.at("/paths/~1api~1v1~1products/post/responses/201/content/application~1json/schema/$ref")
                .asText()).isEqualTo("#/components/schemas/ProductView");
        assertThat(doc.at("/paths/~1api~1v1~1products/post/responses/default/content/application~1problem+json"
                + "/schema/$ref").asText()).isEqualTo("#/components/schemas/Problem");

        Http.Response page = http.get("/docs");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("/openapi.json").contains("swagger-ui-bundle.js");
        assertThat(http.get("/docs/assets/swagger-ui-bundle.js").status()).isEqualTo(200);

        // Public and read-only: anyone may read the description, nobody can change it.
        Http.Response post = http.post("/openapi.json", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).contains("GET");
        assertThat(http.get("/openapi.json").json()).isEqualTo(doc);
    }
}
