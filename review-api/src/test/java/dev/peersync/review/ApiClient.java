package dev.peersync.review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Real HTTP calls to a running review API, for tests. */
public final class ApiClient {
    public static final String PASSWORD = "correct horse";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final String baseUrl;

    public ApiClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** An answer: status, raw body, the body parsed as JSON (null when empty or not JSON), headers. */
    public record Response(int status, String body, JsonNode json, HttpHeaders headers) {
        public String errorCode() {
            return json == null ? null : json.path("error").path("code").asText(null);
        }

        public UUID id() {
            return UUID.fromString(json.get("id").asText());
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A registered, logged-in user. */
    public record User(UUID id, String username, String token) {
    }

    /** A name no other test of this JVM uses. */
    public static String unique(String prefix) {
        return prefix + "_" + COUNTER.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 100_000, 36);
    }

    public ObjectNode object(Object... keysAndValues) {
        ObjectNode node = mapper.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            node.set((String) keysAndValues[i], mapper.valueToTree(keysAndValues[i + 1]));
        }
        return node;
    }

    public User newUser(String prefix) {
        String username = unique(prefix);
        Response registered = post("/api/v1/auth/register", null, Map.of("username", username,
                "email", username + "@example.com", "password", PASSWORD));
        if (registered.status() != 201) {
            throw new AssertionError("registration of " + username + " failed: " + registered);
        }
        return new User(registered.id(), username, login(username, PASSWORD));
    }

    public String login(String username, String password) {
        Response login = post("/api/v1/auth/login", null, Map.of("username", username, "password", password));
        if (login.status() != 200) {
            throw new AssertionError("login of " + username + " failed: " + login);
        }
        return login.json().get("access_token").asText();
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Response post(String path, String token, Object body) {
        return send("POST", path, token, json(body));
    }

    public Response put(String path, String token, Object body) {
        return send("PUT", path, token, json(body));
    }

    public Response patch(String path, String token, Object body) {
        return send("PATCH", path, token, json(body));
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    /** Sends {@code rawBody} as is (null: no body), with a bearer token when {@code token} is not null. */
    public Response send(String method, String path, String token, String rawBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, rawBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(rawBody));
        if (rawBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), parse(response.body()), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException("HTTP " + request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    public URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private String json(Object body) {
        if (body == null || body instanceof String) {
            return (String) body;
        }
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise test body " + body, e);
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
