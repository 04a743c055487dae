package dev.peersync.it.check;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every row of one table on one node: primary key (a JSON array of the key columns' values, as text) to the whole
 * row as PostgreSQL's {@code to_jsonb} writes it.
 */
public record TableSnapshot(String table, List<String> keyColumns, SortedMap<String, ObjectNode> rows) {
    public TableSnapshot {
        keyColumns = List.copyOf(keyColumns);
        rows = Collections.unmodifiableSortedMap(new TreeMap<>(rows));
    }

    public int size() {
        return rows.size();
    }
}
