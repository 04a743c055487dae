package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.review.ApiClient.Response;
import dev.peersync.review.ApiClient.User;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

class ErrorsIT {
    @RegisterExtension
    static final ReviewApiExtension api = new ReviewApiExtension();

    private final ApiClient client = api.client();
    private final User user = client.newUser("errors");

    /** RFC 9457 problem details, plus the older {@code error} member; never a stack trace. */
    private static void assertErrorShape(Response response) {
        assertThat(response.json()).as(response.toString()).isNotNull();
        assertThat(response.json().fieldNames()).toIterable()
                .contains("type", "title", "status", "detail", "instance", "code", "error");
        assertThat(response.json().get("status").asInt()).isEqualTo(response.status());
        assertThat(response.json().get("type").asText())
                .isEqualTo("urn:peersync:problem:" + response.json().get("code").asText().replace('_', '-'));
        assertThat(response.json().get("detail").asText()).isNotBlank();
        assertThat(response.json().get("error").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("code", "message", "details");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void malformed_bodies_answer_400_with_the_error_shape() {
        for (String body : List.of("{", "[]", "\"text\"", "not json", "{\"name\": \"a\"} {}",
                "{\"name\": \"a\", \"name\": \"b\", \"price\": 1}")) {
            Response response = client.send("POST", "/api/v1/products", user.token(), body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("malformed_json");
            assertErrorShape(response);
        }
        Response empty = client.send("POST", "/api/v1/auth/register", null, "");
        assertThat(empty.status()).isEqualTo(400);
        assertErrorShape(empty);
    }

    @Test
    void a_body_over_the_limit_answers_413_before_the_body_is_read() throws IOException {
        long declared = ReviewApiSettings.DEFAULT_MAX_BODY_BYTES + 100;
        // Headers only: the server refuses by Content-Length, without waiting for the megabyte. (A client that
        // uploads the whole body anyway may see the connection reset under its upload before it reads the answer,
        // as Java's HttpClient once did here in CI; curl and browsers wait for "100 Continue" instead.)
        String answer = rawHttp("POST /api/v1/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + user.token() + "\r\nContent-Length: " + declared
                + "\r\nConnection: close\r\n\r\n{\"name\": \"");

        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).contains("Content-Type: application/problem+json").contains("\"status\":413")
                .contains("\"code\":\"payload_too_large\"").doesNotContain("<html");
    }

    @Test
    void unknown_endpoints_answer_404_with_the_error_shape() {
        for (Response response : List.of(client.get("/api/v1/nothing"), client.get("/"),
                client.get("/api/v1/products/x/y/z"))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.errorCode()).isEqualTo("not_found");
            assertErrorShape(response);
        }
    }

    @Test
    void a_wrong_method_on_a_known_path_answers_405_with_allow() {
        Response response = client.delete("/api/v1/users", user.token());

        assertThat(response.status()).as(response.toString()).isEqualTo(405);
        assertThat(response.errorCode()).isEqualTo("method_not_allowed");
        assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(
                allow -> assertThat(allow.split(",\\s*")).contains("GET").doesNotContain("DELETE"));
        assertErrorShape(response);
    }

    @Test
    void field_problems_are_listed_under_errors() {
        Response response = client.post("/api/v1/products", user.token(), Map.of("price", "x"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").findValuesAsText("field")).contains("name", "price");
        assertThat(response.json().get("instance").asText()).isEqualTo("/api/v1/products");
    }

    @Test
    void creates_answer_201_with_the_location_of_the_new_resource() {
        Response product = client.post("/api/v1/products", user.token(), Map.of("name", "located", "price", 1));
        assertThat(product.status()).isEqualTo(201);
        String location = product.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/api/v1/products/" + product.id());
        assertThat(client.get(location).json().get("name").asText()).isEqualTo("located");

        Response review = client.post(location + "/reviews", user.token(), Map.of("rating", 5, "title", "t"));
        assertThat(review.headers().firstValue("Location")).hasValue("/api/v1/reviews/" + review.id());
        Response category = client.post("/api/v1/categories", user.token(), Map.of("name", ApiClient.unique("c")));
        assertThat(category.headers().firstValue("Location")).hasValue("/api/v1/categories/" + category.id());
        Response image = client.post(location + "/images", user.token(), Map.of("url", "https://example.com/a.png"));
        assertThat(image.headers().firstValue("Location")).hasValue(location + "/images/" + image.id());
        Response media = client.post("/api/v1/reviews/" + review.id() + "/media", user.token(),
                Map.of("url", "https://example.com/m.png", "media_type", "image"));
        assertThat(media.headers().firstValue("Location"))
                .hasValue("/api/v1/reviews/" + review.id() + "/media/" + media.id());
        Response registered = client.post("/api/v1/auth/register", null, Map.of("username", ApiClient.unique("loc"),
                "email", ApiClient.unique("loc") + "@example.com", "password", ApiClient.PASSWORD));
        assertThat(registered.headers().firstValue("Location")).hasValue("/api/v1/users/" + registered.id());
    }

    @Test
    void validation_and_auth_errors_have_the_same_shape() {
        assertErrorShape(client.post("/api/v1/products", user.token(), Map.of("price", "x")));
        assertErrorShape(client.post("/api/v1/products", null, Map.of("name", "x", "price", 1)));
        assertErrorShape(client.get("/api/v1/products?limit=0"));
        assertErrorShape(client.get("/api/v1/products/123"));
    }

    @Test
    void health_and_ready_answer_200_while_the_database_is_up() {
        Response health = client.get("/health");
        Response ready = client.get("/ready/");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("ok");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");
    }

    @Test
    void an_app_embedding_the_api_keeps_its_own_routes_and_gets_the_error_mapping() {
        PGSimpleDataSource unreachable = new PGSimpleDataSource();
        unreachable.setURL("jdbc:postgresql://127.0.0.1:1/nowhere");
        unreachable.setConnectTimeout(2);
        ReviewApi reviewApi = new ReviewApi(unreachable, ReviewApiExtension.SETTINGS);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            reviewApi.configure(config);
            config.routes.get("/api/v1/p2p/status", ctx -> ctx.json(Map.of("node_name", "n1")));
            config.routes.get("/boom", ctx -> {
                throw new IllegalStateException("secret internals");
            });
        }).start("127.0.0.1", 0);
        try {
            ApiClient embedded = new ApiClient("http://127.0.0.1:" + app.port());

            Response own = embedded.get("/api/v1/p2p/status");
            Response boom = embedded.get("/boom");
            Response ready = embedded.get("/ready");
            Response health = embedded.get("/health");
            Response list = embedded.get("/api/v1/products");

            assertThat(own.json().get("node_name").asText()).isEqualTo("n1");
            assertThat(boom.status()).isEqualTo(500);
            assertThat(boom.errorCode()).isEqualTo("internal_error");
            assertThat(boom.body()).doesNotContain("secret internals");
            assertErrorShape(boom);
            assertThat(ready.status()).isEqualTo(503);
            assertErrorShape(ready);
            assertThat(health.status()).isEqualTo(200);
            assertThat(list.status()).isEqualTo(503);
            assertErrorShape(list);
        } finally {
            app.stop();
        }
    }

    @Test
    void requests_jetty_refuses_before_routing_get_the_error_shape_too() throws IOException {
        for (String request : List.of(
                "GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")) {
            String answer = rawHttp(request);
            assertThat(answer).as(request).startsWith("HTTP/1.1 400");
            assertThat(answer).contains("Content-Type: application/problem+json")
                    .contains("\"status\":400").contains("\"code\":\"bad_request\"").doesNotContain("<html");
        }
    }

    private String rawHttp(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void content_type_of_json_answers_is_application_json() {
        Response response = client.send(HttpRequest.newBuilder(client.uri("/api/v1/products")).build());

        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    }
}
