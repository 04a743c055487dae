package dev.peersync.store.postgres.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads a row's key (its canonical JSON array, {@code jsonb_build_array(...)::text}) into the COPY text of its key
 * columns, in Java, for keys of plain types only: uuid, the integers and text. It answers only when the key's text is
 * exactly the canonical one the database would write for those values (the digests hash that text), and null for
 * anything else (another type, an escaped character, a non-canonical spelling): callers then take the SQL path, which
 * reads any key.
 */
final class PlainKeys {
    private static final Pattern PLAIN_TYPE = Pattern.compile(
            "uuid|smallint|integer|bigint|text|character varying(\\(\\d+\\))?");
    private static final Pattern CANONICAL_INTEGER = Pattern.compile("0|-?[1-9][0-9]{0,18}");

    private PlainKeys() {
    }

    /** True when every key column of {@code t} has a type this class reads. */
    static boolean readable(PgTable t) {
        return t.pk().stream().allMatch(c -> PLAIN_TYPE.matcher(c.type()).matches());
    }

    /**
     * The key columns' values of {@code pk} as their text (also their COPY text: nothing in it needs escaping), or null
     * when {@code pk} is not the canonical key text of values of {@code columns}' types.
     */
    static List<String> values(String pk, List<PgTable.Column> columns) {
        if (pk == null || pk.length() < 2 || pk.charAt(0) != '[' || pk.charAt(pk.length() - 1) != ']') {
            return null;
        }
        List<String> out = new ArrayList<>(columns.size());
        int at = 1;
        for (int k = 0; k < columns.size(); k++) {
            if (k > 0) {
                if (!pk.startsWith(", ", at)) {
                    return null;
                }
                at += 2;
            }
            String type = columns.get(k).type();
            int end;
            String value;
            if (at < pk.length() && pk.charAt(at) == '"') {
                end = pk.indexOf('"', at + 1);
                if (end < 0) {
                    return null;
                }
                value = pk.substring(at + 1, end);
                end++;
                if (!plainString(value) || !stringValue(type, value)) {
                    return null;
                }
            } else {
                end = at;
                while (end < pk.length() && pk.charAt(end) != ',' && pk.charAt(end) != ']') {
                    end++;
                }
                value = pk.substring(at, end);
                if (type.equals("uuid") || type.startsWith("text") || type.startsWith("character")
                        || !CANONICAL_INTEGER.matcher(value).matches()) {
                    return null;
                }
            }
            out.add(value);
            at = end;
        }
        return at == pk.length() - 1 ? out : null;
    }

    /** No escape (a backslash) and no control character: the string's JSON text is its value, and its COPY text. */
    private static boolean plainString(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' || ch < 0x20) {
                return false;
            }
        }
        return true;
    }

    private static boolean stringValue(String type, String value) {
        if (type.equals("uuid")) {
            try {
                return UUID.fromString(value).toString().equals(value);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return type.equals("text") || type.startsWith("character varying");
    }
}
