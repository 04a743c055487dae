package dev.peersync.review.internal.web;

import dev.peersync.review.ApiException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a request body as a JSON object. The body must be declared {@code application/json} (415 otherwise: a page
 * on another site can send text/plain or a form without a CORS preflight, not JSON) and hold at most
 * {@code maxBytes} (413 beyond, judged by Content-Length before anything is read).
 */
public final class JsonBodies {
    private final ObjectMapper mapper;
    private final long maxBytes;

    public JsonBodies(ObjectMapper mapper) {
        this(mapper, dev.peersync.review.ReviewApiSettings.MAX_JSON_BODY_BYTES);
    }

    public JsonBodies(ObjectMapper mapper, long maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
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
        String type = ctx.contentType();
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!mime.equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "request body must be JSON sent with "
                    + "'Content-Type: application/json', got " + (type == null ? "no Content-Type" : "'" + type + "'"),
                    null);
        }
        if (ctx.contentLength() > maxBytes) {
            throw tooLarge();
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
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

    private ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "request body is larger than the limit of " + maxBytes
                + " bytes", null);
    }
}
