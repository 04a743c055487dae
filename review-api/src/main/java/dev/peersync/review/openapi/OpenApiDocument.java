package dev.peersync.review.openapi;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peersync.review.Problems;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an OpenAPI 3.1 document from {@link ApiOperation}s. The schemas of bodies are read from the Java types the
 * handlers answer with, through the API's own {@link ObjectMapper} (so property names and inclusion are what clients
 * get), not written by hand; every error is the port's problem details ({@link Problems}).
 */
public final class OpenApiDocument {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-z_]+)}");

    private final ObjectMapper mapper;
    private final ObjectNode schemas;

    private OpenApiDocument(ObjectMapper mapper) {
        this.mapper = mapper;
        this.schemas = mapper.createObjectNode();
    }

    public static ObjectNode build(ObjectMapper mapper, String title, String version, List<ApiOperation> operations) {
        return new OpenApiDocument(mapper).document(title, version, operations);
    }

    private ObjectNode document(String title, String version, List<ApiOperation> operations) {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("openapi", "3.1.0");
        doc.putObject("info").put("title", title).put("version", version)
                .put("description", "Errors are RFC 9457 problem details (application/problem+json).");
        ObjectNode paths = doc.putObject("paths");
        for (ApiOperation op : operations) {
            ObjectNode path = paths.has(op.path()) ? (ObjectNode) paths.get(op.path()) : paths.putObject(op.path());
            path.set(op.method().toLowerCase(Locale.ROOT), operation(op));
        }
        ObjectNode components = doc.putObject("components");
        schemas.set("Problem", problem());
        components.set("schemas", schemas);
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "A user's access token (POST /api/v1/auth/login), or the node's ADMIN_TOKEN");
        return doc;
    }

    private ObjectNode operation(ApiOperation op) {
        ObjectNode node = mapper.createObjectNode();
        node.putArray("tags").add(op.tag());
        node.put("summary", op.summary());
        node.put("operationId", (op.method().toLowerCase(Locale.ROOT) + op.path().replaceAll("[^A-Za-z0-9]+", "_"))
                .replaceAll("_+$", ""));
        Matcher params = PATH_PARAM.matcher(op.path());
        ArrayNode parameters = null;
        while (params.find()) {
            parameters = parameters == null ? node.putArray("parameters") : parameters;
            parameters.addObject().put("name", params.group(1)).put("in", "path").put("required", true)
                    .putObject("schema").put("type", "string");
        }
        if (op.access() != ApiOperation.Access.PUBLIC) {
            node.putArray("security").addObject().putArray("bearer");
            node.put("description", op.access() == ApiOperation.Access.ADMIN
                    ? "Needs admin rights: the node's ADMIN_TOKEN (without one, the node's /api/v1/p2p endpoints"
                    + " answer clients on its own host), or on the review API a user granted the admin role."
                    : "Needs a signed-in user's access token (or admin rights).");
        }
        if (op.request() != null) {
            node.putObject("requestBody").put("required", true).putObject("content")
                    .putObject("application/json").set("schema", body(op.request()));
        }
        ObjectNode responses = node.putObject("responses");
        ObjectNode ok = responses.putObject(Integer.toString(op.status()))
                .put("description", op.status() == 201 ? "Created (Location names the new resource)" : "Success");
        if (op.response() != null) {
            ok.putObject("content").putObject("application/json").set("schema", body(op.response()));
        }
        responses.putObject("default").put("description", "An error, as problem details").putObject("content")
                .putObject(Problems.CONTENT_TYPE).putObject("schema").put("$ref", "#/components/schemas/Problem");
        return node;
    }

    private JsonNode body(ApiOperation.Body body) {
        return switch (body.shape()) {
            case OBJECT -> ref(body.type());
            case LIST -> array(ref(body.type()));
            case PAGE -> {
                ObjectNode page = mapper.createObjectNode().put("type", "object");
                ObjectNode props = page.putObject("properties");
                props.set("items", array(ref(body.type())));
                props.putObject("total").put("type", "integer");
                props.putObject("limit").put("type", "integer");
                props.putObject("offset").put("type", "integer");
                yield page;
            }
            case FREE -> mapper.createObjectNode().put("description", body.description());
        };
    }

    private ObjectNode array(JsonNode items) {
        ObjectNode array = mapper.createObjectNode().put("type", "array");
        array.set("items", items);
        return array;
    }

    /** A reference to the schema of a type, written once into the components. */
    private ObjectNode ref(Class<?> type) {
        String name = type.getSimpleName();
        if (!schemas.has(name)) {
            schemas.putObject(name); // placeholder first: a type that refers to itself terminates
            schemas.set(name, objectSchema(mapper.constructType(type)));
        }
        return mapper.createObjectNode().put("$ref", "#/components/schemas/" + name);
    }

    private ObjectNode objectSchema(JavaType type) {
        BeanDescription bean = mapper.getSerializationConfig().introspect(type);
        ObjectNode schema = mapper.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        for (BeanPropertyDefinition p : bean.findProperties()) {
            if (p.couldSerialize()) {
                props.set(p.getName(), schema(p.getPrimaryType()));
            }
        }
        return schema;
    }

    private JsonNode schema(JavaType type) {
        Class<?> raw = type.getRawClass();
        ObjectNode s = mapper.createObjectNode();
        if (raw == String.class) {
            return s.put("type", "string");
        } else if (raw == UUID.class) {
            return s.put("type", "string").put("format", "uuid");
        } else if (raw == Instant.class || raw == OffsetDateTime.class) {
            return s.put("type", "string").put("format", "date-time");
        } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return s.put("type", "integer");
        } else if (raw == BigDecimal.class || raw == double.class || raw == Double.class) {
            return s.put("type", "number");
        } else if (raw == boolean.class || raw == Boolean.class) {
            return s.put("type", "boolean");
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            return array(type.getContentType() == null ? s : schema(type.getContentType()));
        } else if (JsonNode.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw) || raw == Object.class) {
            return s.put("description", "any JSON value");
        } else if (raw.isRecord()) {
            return ref(raw);
        }
        return s.put("type", "string");
    }

    private ObjectNode problem() {
        ObjectNode schema = mapper.createObjectNode().put("type", "object")
                .put("description", "RFC 9457 problem details; 'error' repeats the older error shape");
        ObjectNode props = schema.putObject("properties");
        props.putObject("type").put("type", "string");
        props.putObject("title").put("type", "string");
        props.putObject("status").put("type", "integer");
        props.putObject("detail").put("type", "string");
        props.putObject("instance").put("type", "string");
        props.putObject("code").put("type", "string");
        ObjectNode errors = props.putObject("errors").put("type", "array");
        ObjectNode error = errors.putObject("items").put("type", "object");
        error.putObject("properties").putObject("field").put("type", "string");
        ((ObjectNode) error.get("properties")).putObject("message").put("type", "string");
        props.putObject("details").put("type", "object");
        props.putObject("error").put("type", "object");
        schema.putArray("required").add("type").add("title").add("status").add("code");
        return schema;
    }
}
