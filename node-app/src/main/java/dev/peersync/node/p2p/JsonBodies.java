package dev.peersync.node.p2p;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.review.ApiException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reading request bodies field by field, so a bad one is answered with 400 naming the field. */
final class JsonBodies {
    private JsonBodies() {
    }

    /**
     * 415 unless the request says its body is JSON. A page on another site can POST text/plain or a form without
     * asking (no CORS preflight), but not application/json: this is what stops cross-site requests (CSRF).
     */
    static void requireJsonContentType(io.javalin.http.Context ctx) {
        String type = ctx.contentType();
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!mime.equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "The body must be JSON sent with 'Content-Type: "
                    + "application/json', got: " + (type == null ? "no Content-Type" : "'" + type + "'"),
                    java.util.Map.of());
        }
    }

    static JsonNode object(ObjectMapper mapper, String body) {
        JsonNode node;
        try {
            node = mapper.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw ApiException.validationFailed("The body is not valid JSON: " + e.getOriginalMessage(), Map.of());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.validationFailed("The body must be a JSON object", Map.of());
        }
        return node;
    }

    static void onlyKnownFields(JsonNode node, Set<String> known) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw ApiException.invalidField(name, "is not a known field; known: " + new TreeSet<>(known));
            }
        });
    }

    static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiException.invalidField(field, "must be a string");
        }
        return Optional.of(value.asText());
    }

    static String requiredText(JsonNode node, String field) {
        String text = optionalText(node, field).orElseThrow(() -> ApiException.invalidField(field, "is required"));
        if (text.isBlank()) {
            throw ApiException.invalidField(field, "must not be empty");
        }
        return text;
    }

    static Optional<Long> optionalLong(JsonNode node, String field, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.invalidField(field, "must be a whole number in " + min + ".." + max);
        }
        long parsed = value.asLong();
        if (parsed < min || parsed > max) {
            throw ApiException.invalidField(field, "must be in " + min + ".." + max + ", got: " + parsed);
        }
        return Optional.of(parsed);
    }

    static Optional<Boolean> optionalBoolean(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw ApiException.invalidField(field, "must be true or false");
        }
        return Optional.of(value.asBoolean());
    }
}
