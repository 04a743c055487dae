package dev.peersync.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The synced tables' columns as one node has them, announced in the handshake. Peers compare shapes instead of
 * demanding equal ones, so a migration rolled out node by node keeps them syncing: a column one side lacks crosses as
 * "never written" there ({@link #drift}); only what rows cannot cross safely refuses the connection
 * ({@link #incompatibilities}).
 *
 * @param tables per synced table (configured name): its key columns and every column's type
 */
public record SchemaShape(Map<String, Table> tables) {
    public SchemaShape {
        tables = Map.copyOf(Objects.requireNonNull(tables, "tables"));
    }

    /**
     * One table.
     *
     * @param key     the primary-key columns, in key order
     * @param columns every synced column (key columns included) and its type as {@code format_type} prints it
     */
    public record Table(List<String> key, Map<String, String> columns) {
        public Table {
            key = List.copyOf(Objects.requireNonNull(key, "key"));
            columns = Map.copyOf(Objects.requireNonNull(columns, "columns"));
        }
    }

    /**
     * What makes rows unsafe to exchange with a peer of shape {@code other}, empty when none: a table only one side
     * syncs, a different primary key, a column both have with different types (a value could be cut or refused).
     */
    public List<String> incompatibilities(SchemaShape other) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(tables.keySet());
        names.addAll(other.tables.keySet());
        for (String name : names) {
            Table mine = tables.get(name);
            Table theirs = other.tables.get(name);
            if (mine == null || theirs == null) {
                problems.add("table " + name + " is synced by " + (mine == null ? "the peer" : "this node") + " only");
                continue;
            }
            List<String> myKey = typed(mine, mine.key());
            List<String> theirKey = typed(theirs, theirs.key());
            if (!myKey.equals(theirKey)) {
                problems.add(name + " has primary key " + myKey + " here and " + theirKey + " on the peer");
            }
            new TreeMap<>(mine.columns()).forEach((column, type) -> {
                String theirType = theirs.columns().get(column);
                if (theirType != null && !theirType.equals(type)) {
                    problems.add(name + "." + column + " is " + type + " here and " + theirType + " on the peer");
                }
            });
        }
        return problems;
    }

    /**
     * Columns one side has and the other lacks, in tables both sync: rows still cross ({@code "products.sku: only
     * here"} or {@code "...: only on the peer"}).
     */
    public List<String> drift(SchemaShape other) {
        List<String> drift = new ArrayList<>();
        new TreeMap<>(tables).forEach((name, mine) -> {
            Table theirs = other.tables.get(name);
            if (theirs == null) {
                return;
            }
            TreeSet<String> columns = new TreeSet<>(mine.columns().keySet());
            columns.addAll(theirs.columns().keySet());
            for (String column : columns) {
                boolean here = mine.columns().containsKey(column);
                boolean there = theirs.columns().containsKey(column);
                if (here != there) {
                    drift.add(name + "." + column + ": only " + (here ? "here" : "on the peer"));
                }
            }
        });
        return drift;
    }

    private static List<String> typed(Table t, List<String> columns) {
        return columns.stream().map(c -> c + " " + t.columns().get(c)).toList();
    }
}
