package dev.peersync.store.postgres.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the keys of a JSON object's top level from its text, without parsing the values: whether a row's data names
 * a column outside a set, or lacks one of a set. An apply asks it of every row, so it is one pass over the characters and allocates only the
 * keys. It answers for the JSON a feed sends (PostgreSQL's jsonb text); on anything it does not read plainly (an
 * escaped key, text that is not an object) it says yes, so a caller that skips work on a no never skips wrongly.
 */
final class TopLevelKeys {
    private TopLevelKeys() {
    }

    /** True when {@code json} (an object) has a top-level key not in {@code known}, or is not read plainly. */
    static boolean anyOutside(String json, Collection<String> known) {
        Set<String> keys = of(json);
        return keys == null || !known.containsAll(keys);
    }

    /** True when {@code json} (an object) lacks a top-level key of {@code required}, or is not read plainly. */
    static boolean lacksAny(String json, Collection<String> required) {
        Set<String> keys = of(json);
        return keys == null || !keys.containsAll(required);
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
