package dev.peersync.store.postgres.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * Reads the keys of a JSON object's top level from its text, without parsing the values: which columns a row's data
 * names. An apply asks it of every row, so it is one pass over the characters that allocates only the keys. It
 * answers for the JSON a feed sends (PostgreSQL's jsonb text); on anything it does not read plainly (an escaped key,
 * text that is not an object) it answers null, and callers then do the work they would otherwise skip.
 */
final class TopLevelKeys {
    private TopLevelKeys() {
    }

    /** The top-level keys of {@code json}; null when it is not an object read plainly (an escaped key, say). */
    static Set<String> of(String json) {
        Set<String> keys = new HashSet<>();
        int i = skipSpace(json, 0);
        if (i >= json.length() || json.charAt(i) != '{') {
            return null;
        }
        int depth = 0;
        boolean expectingKey = false;
        for (; i < json.length(); i++) {
            char ch = json.charAt(i);
            switch (ch) {
                case '"' -> {
                    int end = i + 1;
                    boolean escaped = false;
                    while (end < json.length() && json.charAt(end) != '"') {
                        if (json.charAt(end) == '\\') {
                            escaped = true;
                            end++;
                        }
                        end++;
                    }
                    if (end >= json.length() || (escaped && depth == 1 && expectingKey)) {
                        return null; // unterminated, or a key this scan would have to unescape
                    }
                    if (depth == 1 && expectingKey) {
                        keys.add(json.substring(i + 1, end));
                        expectingKey = false;
                    }
                    i = end;
                }
                case '{', '[' -> {
                    depth++;
                    expectingKey = depth == 1;
                }
                case '}', ']' -> depth--;
                case ',' -> expectingKey = depth == 1;
                default -> {
                    // values, colons and white space
                }
            }
        }
        return depth == 0 ? keys : null;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
