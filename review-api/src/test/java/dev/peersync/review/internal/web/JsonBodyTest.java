package dev.peersync.review.internal.web;

import dev.peersync.review.ApiException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonBodyTest {
    private final ObjectMapper mapper = Json.newMapper();

    private JsonBody body(String json) throws Exception {
        return new JsonBody((ObjectNode) mapper.readTree(json));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> errorsOf(JsonBody body) {
        try {
            body.errors().throwIfAny();
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(422);
            return (List<Map<String, String>>) e.details();
        }
        return List.of();
    }

    @Test
    void each_bad_field_is_reported_once_with_its_reason() throws Exception {
        JsonBody body = body("{\"name\": 5, \"title\": \"   \", \"price\": \"1\", \"rating\": 4.5, \"id\": \"1-1-1-1-1\"}");

        body.text("name", true, 1, 10);
        body.text("title", true, 1, 10);
        body.decimal("price", true);
        body.integer("rating", true, 1, 5);
        body.uuid("id", true);
        body.text("missing", true, 1, 10);

        assertThat(errorsOf(body)).containsExactly(
                Map.of("field", "name", "message", "must be a string"),
                Map.of("field", "title", "message", "is required"),
                Map.of("field", "price", "message", "must be a number"),
                Map.of("field", "rating", "message", "must be an integer"),
                Map.of("field", "id", "message", "must be a UUID, got '1-1-1-1-1'"),
                Map.of("field", "missing", "message", "is required"));
    }

    @Test
    void valid_fields_are_read_trimmed_and_exact() throws Exception {
        UUID id = UUID.randomUUID();
        JsonBody body = body("{\"name\": \"  Tea \", \"price\": 19.99, \"rating\": 5, \"id\": \"" + id + "\"}");

        assertThat(body.text("name", true, 1, 10)).isEqualTo("Tea");
        assertThat(body.decimal("price", true)).hasToString("19.99");
        assertThat(body.integer("rating", true, 1, 5)).isEqualTo(5);
        assertThat(body.uuid("id", true)).isEqualTo(id);
        assertThat(body.text("absent", false, 1, 10)).isNull();
        assertThat(body.errors().isEmpty()).isTrue();
    }

    @Test
    void lengths_count_characters_not_bytes() throws Exception {
        JsonBody body = body("{\"name\": \"\\u00e9\\u00e9\\u00e9\", \"long\": \"abcd\"}");

        assertThat(body.text("name", true, 3, 3)).isEqualTo("\u00e9\u00e9\u00e9");
        assertThat(body.text("long", true, 1, 3)).isNull();
        assertThatThrownBy(() -> body.errors().throwIfAny()).isInstanceOf(ApiException.class)
                .hasMessageContaining("1 invalid field");
    }
}
