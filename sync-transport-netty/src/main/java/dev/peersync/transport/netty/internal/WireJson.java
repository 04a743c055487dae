package dev.peersync.transport.netty.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.spi.RowChange;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * JSON bodies of the protocol. A body is a record of the transport's own ({@link MessageType}'s request and reply
 * bodies, {@link Bodies}), each component naming its field with {@code @JsonProperty}, written in component order;
 * no name on the wire comes from sync-core. The two sync-core types that travel inside bodies are written here, field
 * by field: {@link NodeId} is its UUID text, and a {@link RowChange} is an object of short fields. {@link
 * RowChange#data()} is already JSON text (PostgreSQL's {@code to_jsonb}): it is written raw, as
 * a nested JSON object (not as an escaped string, which would cost a backslash per quote), and read back as
 * the exact bytes of that object in the body (the parser validates its structure and skips it; the source
 * offsets give the text), so the receiver gets the sender's text byte for byte. Where the parser has no source
 * offsets (buffered input) the object's tokens are copied exactly instead ({@link
 * JsonGenerator#copyCurrentStructureExact}: numbers keep every digit, only whitespace may change). Unknown
 * properties are ignored so a later minor version may add fields.
 */
public final class WireJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .addModule(new SimpleModule("peersync-wire")
                    .addSerializer(NodeId.class, new NodeIdSerializer())
                    .addDeserializer(NodeId.class, new NodeIdDeserializer())
                    .addSerializer(RowChange.class, new RowChangeSerializer())
                    .addDeserializer(RowChange.class, new RowChangeDeserializer()))
            .build();

    /** Reader attribute holding the body being parsed, so raw row data can be cut out of it. */
    private static final Object SOURCE = new Object();

    private WireJson() {
    }

    public static byte[] write(Object body) throws IOException {
        return MAPPER.writeValueAsBytes(body);
    }

    /** Parses a body; a missing or null body is an error, never a {@code null} result. */
    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        T value = MAPPER.readerFor(type).withAttribute(SOURCE, json).readValue(json);
        if (value == null) {
            throw new IOException("body of type " + type.getSimpleName() + " must not be JSON null");
        }
        return value;
    }

    private static final class NodeIdSerializer extends JsonSerializer<NodeId> {
        @Override
        public void serialize(NodeId value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }

    private static final class NodeIdDeserializer extends JsonDeserializer<NodeId> {
        @Override
        public NodeId deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (NodeId) ctxt.handleUnexpectedToken(NodeId.class, p);
            }
            try {
                return NodeId.parse(p.getText());
            } catch (IllegalArgumentException e) {
                return (NodeId) ctxt.handleWeirdStringValue(NodeId.class, p.getText(), e.getMessage());
            }
        }
    }

    private static final class RowChangeSerializer extends JsonSerializer<RowChange> {
        @Override
        public void serialize(RowChange row, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartObject();
            gen.writeStringField("table", row.table());
            gen.writeStringField("pk", row.pk());
            gen.writeNumberField("hlc", row.hlc());
            gen.writeStringField("origin", row.origin().toString());
            gen.writeBooleanField("deleted", row.deleted());
            if (row.derived()) {
                gen.writeBooleanField("derived", true);
            }
            if (row.originTx() != 0) {
                gen.writeNumberField("otx", row.originTx());
            }
            if (row.columns() != null) {
                gen.writeFieldName("cols");
                gen.writeRawValue(row.columns());
            }
            if (row.previous() != null) {
                gen.writeArrayFieldStart("prev");
                gen.writeNumber(row.previous().hlc());
                gen.writeString(row.previous().node().toString());
                gen.writeEndArray();
            }
            gen.writeFieldName("data");
            if (row.data() == null) {
                gen.writeNull();
            } else {
                gen.writeRawValue(row.data());
            }
            gen.writeEndObject();
        }
    }

    private static final class RowChangeDeserializer extends JsonDeserializer<RowChange> {
        @Override
        public RowChange deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (RowChange) ctxt.handleUnexpectedToken(RowChange.class, p);
            }
            String table = null;
            String pk = null;
            Long hlc = null;
            NodeId origin = null;
            Boolean deleted = null;
            String data = null;
            boolean derived = false;
            long originTx = 0;
            String columns = null;
            Version previous = null;
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                JsonToken token = p.nextToken();
                switch (field) {
                    case "table" -> table = text(p, ctxt, field);
                    case "pk" -> pk = text(p, ctxt, field);
                    case "hlc" -> hlc = token == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : fail(ctxt, field);
                    case "origin" -> origin = ctxt.readValue(p, NodeId.class);
                    case "deleted" -> deleted = token.isBoolean() ? p.getBooleanValue() : fail(ctxt, field);
                    case "data" -> data = rawObject(p, ctxt, field);
                    case "cols" -> columns = rawObject(p, ctxt, field);
                    case "prev" -> previous = version(p, ctxt, field);
                    case "derived" -> derived = token.isBoolean() ? p.getBooleanValue() : fail(ctxt, field);
                    case "otx" -> originTx = token == JsonToken.VALUE_NUMBER_INT && p.getLongValue() >= 0
                            ? p.getLongValue() : fail(ctxt, field);
                    default -> p.skipChildren();
                }
            }
            if (table == null || pk == null || hlc == null || origin == null || deleted == null) {
                return (RowChange) ctxt.reportInputMismatch(RowChange.class,
                        "row change needs table, pk, hlc, origin and deleted");
            }
            if (!deleted && data == null) {
                return (RowChange) ctxt.reportInputMismatch(RowChange.class,
                        "row change of %s %s is not deleted but has no data", table, pk);
            }
            return new RowChange(table, pk, hlc, origin, deleted, data, derived, originTx, columns, previous);
        }

        /** {@code [hlc, "node"]}, or null. */
        private static Version version(JsonParser p, DeserializationContext ctxt, String field) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            if (p.currentToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                return fail(ctxt, field);
            }
            long hlc = p.getLongValue();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                return fail(ctxt, field);
            }
            NodeId node = ctxt.readValue(p, NodeId.class);
            if (p.nextToken() != JsonToken.END_ARRAY) {
                return fail(ctxt, field);
            }
            return new Version(hlc, node);
        }

        private static String text(JsonParser p, DeserializationContext ctxt, String field) throws IOException {
            return p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : fail(ctxt, field);
        }

        private static String rawObject(JsonParser p, DeserializationContext ctxt, String field) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return fail(ctxt, field);
            }
            Object source = ctxt.getAttribute(SOURCE);
            long start = p.currentTokenLocation().getByteOffset();
            if (source instanceof byte[] bytes && start >= 0) {
                p.skipChildren();
                long end = p.currentLocation().getByteOffset();
                if (end > start && end <= bytes.length && bytes[(int) end - 1] == '}') {
                    return new String(bytes, (int) start, (int) (end - start), StandardCharsets.UTF_8);
                }
                return ctxt.reportInputMismatch(RowChange.class, "row %s offsets %d..%d are not an object", field, start, end);
            }
            StringWriter out = new StringWriter(256);
            try (JsonGenerator copy = FACTORY.createGenerator(out)) {
                copy.copyCurrentStructureExact(p);
            }
            return out.toString();
        }

        private static <T> T fail(DeserializationContext ctxt, String field) throws IOException {
            return ctxt.reportInputMismatch(RowChange.class, "row change field '%s' has the wrong type", field);
        }
    }
}
