package dev.peersync.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One primary key of one table whose row is not the same on every node.
 *
 * @param rows node name to the row there; {@link Optional#empty()} where the node does not have the row
 */
public record RowDifference(String table, String key, Map<String, Optional<ObjectNode>> rows) {
    public RowDifference {
        rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    /** Nodes that have no row with this key. */
    public List<String> missingOn() {
        return rows.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    /**
     * Readable lines: the first node having the row shows it whole; every other node shows "missing", "same", or
     * only the columns in which it differs.
     */
    public List<String> render() {
        List<String> lines = new ArrayList<>();
        lines.add(table + " " + key + ":");
        ObjectNode reference = null;
        String referenceNode = null;
        for (Map.Entry<String, Optional<ObjectNode>> entry : rows.entrySet()) {
            Optional<ObjectNode> row = entry.getValue();
            if (row.isEmpty()) {
                lines.add("    " + entry.getKey() + ": (missing)");
            } else if (reference == null) {
                reference = row.get();
                referenceNode = entry.getKey();
                lines.add("    " + entry.getKey() + ": " + reference);
            } else if (row.get().equals(reference)) {
                lines.add("    " + entry.getKey() + ": same as " + referenceNode);
            } else {
                lines.add("    " + entry.getKey() + ": differs from " + referenceNode + " in " + columnDiff(reference, row.get()));
            }
        }
        return lines;
    }

    static String columnDiff(ObjectNode reference, ObjectNode other) {
        TreeSet<String> columns = new TreeSet<>();
        reference.fieldNames().forEachRemaining(columns::add);
        other.fieldNames().forEachRemaining(columns::add);
        StringBuilder out = new StringBuilder();
        for (String column : columns) {
            JsonNode a = reference.get(column);
            JsonNode b = other.get(column);
            if (a == null || b == null || !a.equals(b)) {
                if (out.length() > 0) {
                    out.append(", ");
                }
                out.append(column).append(": ").append(a == null ? "(no column)" : a).append(" -> ")
                        .append(b == null ? "(no column)" : b);
            }
        }
        return out.toString();
    }
}
