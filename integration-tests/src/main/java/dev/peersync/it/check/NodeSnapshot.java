package dev.peersync.it.check;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The synced tables of one node, read in one repeatable-read transaction. */
public record NodeSnapshot(String node, Map<String, TableSnapshot> tables) {
    public NodeSnapshot {
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    public TableSnapshot table(String table) {
        TableSnapshot snapshot = tables.get(table);
        if (snapshot == null) {
            throw new IllegalArgumentException("table " + table + " was not read; read: " + tables.keySet());
        }
        return snapshot;
    }

    /** The row of {@code table} with single-column primary key {@code id}, if present. */
    public Optional<ObjectNode> row(String table, String id) {
        return Optional.ofNullable(table(table).rows().get(SnapshotReader.keyOf(id)));
    }

    public long totalRows() {
        return tables.values().stream().mapToLong(TableSnapshot::size).sum();
    }
}
