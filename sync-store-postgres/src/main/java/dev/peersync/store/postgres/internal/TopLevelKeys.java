package dev.peersync.store.postgres.internal;

import java.util.Collection;

/**
 * Reads the keys of a JSON object's top level from its text, without parsing the values: whether a row's data names
 * a column outside a set. An apply asks it of every row, so it is one pass over the characters and allocates only the
 * keys. It answers for the JSON a feed sends (PostgreSQL's jsonb text); on anything it does not read plainly (an
 * escaped key, text that is not an object) it says yes, so a caller that skips work on a no never skips wrongly.
 */
final class TopLevelKeys {
    private TopLevelKeys() {
    }

    /** True when {@code json} (an object) has a top-level key not in {@code known}, or is not read plainly. */
    static boolean anyOutside(String json, Collection<String> known) {
        int i = skipSpace(json, 0);
        if (i >= json.length() || json.charAt(i) != '{') {
            return true;
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
                    if (end >= json.length()) {
                        return true; // unterminated
                    }
                    if (depth == 1 && expectingKey) {
                        if (escaped || !known.contains(json.substring(i + 1, end))) {
                            return true;
                        }
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
        return depth != 0;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
