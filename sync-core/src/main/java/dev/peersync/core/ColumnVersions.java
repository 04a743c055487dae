package dev.peersync.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The text form of a row's column versions, as stored ({@code _cv jsonb}) and sent: a JSON object naming each column
 * whose version is below the row's, with that version as {@code [hlc, "node"]}, for example
 * {@code {"description": [117440512, "6f1c..."]}}. Null (no object) when every column carries the row's version,
 * the usual case: a row inserted, or updated in all its columns.
 */
public final class ColumnVersions {
    private static final JsonFactory JSON = new JsonFactory();

    private ColumnVersions() {
    }

    /** The versions named by {@code text} (empty for null); throws on anything but the form above. */
    public static Map<String, Version> parse(String text) {
        Map<String, Version> out = new TreeMap<>();
        if (text == null) {
            return out;
        }
        try (JsonParser p = JSON.createParser(text)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, text);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String column = p.currentName();
                expect(p.nextToken() == JsonToken.START_ARRAY && p.nextToken() == JsonToken.VALUE_NUMBER_INT, text);
                long hlc = p.getLongValue();
                expect(p.nextToken() == JsonToken.VALUE_STRING, text);
                NodeId node = new NodeId(UUID.fromString(p.getText()));
                expect(p.nextToken() == JsonToken.END_ARRAY, text);
                out.put(column, new Version(hlc, node));
            }
            expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null, text);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("column versions are not {\"column\": [hlc, \"node id\"], ...}: " + text, e);
        }
        return out;
    }

    /**
     * The text form of {@code versions} (null when empty), exactly as PostgreSQL prints the same jsonb value: keys in
     * jsonb's order (shorter UTF-8 first, then bytewise), its escapes, its spacing. So the database and Java hash the
     * same text ({@code DigestHash.columnVersionsHash}) without a round trip through jsonb.
     */
    public static String format(Map<String, Version> versions) {
        if (versions == null || versions.isEmpty()) {
            return null;
        }
        java.util.List<String> keys = new java.util.ArrayList<>(versions.keySet());
        keys.sort(ColumnVersions::jsonbKeyOrder);
        StringBuilder out = new StringBuilder("{");
        for (String key : keys) {
            Version v = versions.get(key);
            out.append(out.length() > 1 ? ", " : "").append('"');
            for (char ch : key.toCharArray()) {
                switch (ch) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            out.append(String.format("\\u%04x", (int) ch));
                        } else {
                            out.append(ch);
                        }
                    }
                }
            }
            out.append("\": [").append(v.hlc()).append(", \"").append(v.node()).append("\"]");
        }
        return out.append('}').toString();
    }

    /** jsonb's order of object keys: by length of their UTF-8 bytes, then bytewise (unsigned). */
    private static int jsonbKeyOrder(String a, String b) {
        byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return x.length != y.length ? Integer.compare(x.length, y.length) : java.util.Arrays.compareUnsigned(x, y);
    }

    private static void expect(boolean ok, String text) {
        if (!ok) {
            throw new IllegalArgumentException("column versions are not {\"column\": [hlc, \"node id\"], ...}: " + text);
        }
    }
}
