package dev.peersync.review.internal.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a request body as a JSON object; size is bounded by Javalin's {@code maxRequestSize} (413 beyond). */
public final class JsonBodies {
    private final ObjectMapper mapper;

    public JsonBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * A PATCH body laid over the current state of the entity: fields the client sent replace those of
     * {@code current} (its answer form), the rest stay, so the result validates like a full PUT body.
     */
    public JsonBody patched(JsonBody patch, Object current) {
        ObjectNode merged = mapper.valueToTree(current);
        merged.setAll(patch.node());
        return new JsonBody(merged);
    }

    public JsonBody read(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw new ApiException(400, "malformed_json", "request body is empty; send a JSON object", null);
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            Map<String, Object> details = new LinkedHashMap<>();
            if (at != null) {
                details.put("line", at.getLineNr());
                details.put("column", at.getColumnNr());
            }
            throw new ApiException(400, "malformed_json", "request body is not valid JSON: "
                    + e.getOriginalMessage(), details);
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "request body could not be read: " + e.getMessage(), null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ApiException(400, "malformed_json", "request body must be a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)), null);
        }
        return new JsonBody(object);
    }
}
