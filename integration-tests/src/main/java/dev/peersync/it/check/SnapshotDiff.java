package dev.peersync.it.check;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The row-by-row comparison of the same tables on several nodes: every primary key present on any node, where
 * the row is not identical (all columns) on all of them. Empty means the nodes hold the same data.
 */
public record SnapshotDiff(List<NodeSnapshot> snapshots, List<RowDifference> differences) {
    private static final int SHOWN = 25;

    public SnapshotDiff {
        snapshots = List.copyOf(snapshots);
        differences = List.copyOf(differences);
    }

    public static SnapshotDiff of(List<NodeSnapshot> snapshots) {
        if (snapshots.isEmpty()) {
            throw new IllegalArgumentException("snapshots must not be empty");
        }
        List<RowDifference> differences = new ArrayList<>();
        for (String table : snapshots.get(0).tables().keySet()) {
            TreeSet<String> keys = new TreeSet<>();
            for (NodeSnapshot snapshot : snapshots) {
                keys.addAll(snapshot.table(table).rows().keySet());
            }
            for (String key : keys) {
                Map<String, Optional<ObjectNode>> rows = new LinkedHashMap<>();
                boolean same = true;
                ObjectNode first = null;
                for (NodeSnapshot snapshot : snapshots) {
                    ObjectNode row = snapshot.table(table).rows().get(key);
                    rows.put(snapshot.node(), Optional.ofNullable(row));
                    if (snapshot == snapshots.get(0)) {
                        first = row;
                    } else if (row == null ? first != null : !row.equals(first)) {
                        same = false;
                    }
                }
                if (!same) {
                    differences.add(new RowDifference(table, key, rows));
                }
            }
        }
        return new SnapshotDiff(snapshots, differences);
    }

    public boolean converged() {
        return differences.isEmpty();
    }

    /** Row counts per table per node, then the first differences, readably. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(converged() ? "All " + snapshots.size() + " nodes hold the same rows."
                : differences.size() + " rows differ between the nodes.");
        out.append(System.lineSeparator()).append(countTable());
        for (int i = 0; i < Math.min(SHOWN, differences.size()); i++) {
            for (String line : differences.get(i).render()) {
                out.append("  ").append(line).append(System.lineSeparator());
            }
        }
        if (differences.size() > SHOWN) {
            out.append("  ... and ").append(differences.size() - SHOWN).append(" more differing rows")
                    .append(System.lineSeparator());
        }
        return out.toString();
    }

    private String countTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("  %-16s", "rows"));
        for (NodeSnapshot snapshot : snapshots) {
            out.append(String.format(" %10s", snapshot.node()));
        }
        out.append(System.lineSeparator());
        for (String table : snapshots.get(0).tables().keySet()) {
            out.append(String.format("  %-16s", table));
            for (NodeSnapshot snapshot : snapshots) {
                out.append(String.format(" %10d", snapshot.table(table).size()));
            }
            long differing = differences.stream().filter(d -> d.table().equals(table)).count();
            if (differing > 0) {
                out.append("   <- ").append(differing).append(" differ");
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
