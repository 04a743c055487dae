package dev.peersync.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writes a scenario made, with when each started and when (if ever) it was acknowledged, checked against
 * the converged data (a Jepsen-style history check for a last-writer-wins store).
 *
 * <p>Model. Each row (table, single-column key) has operations: insert, update, delete. An operation is
 * <em>acknowledged</em> (the client saw it commit), <em>unknown</em> (the client lost the connection: it may or may
 * not have happened) or never recorded (it definitely failed). Under {@link Order#REAL_TIME}, an operation is
 * <em>superseded</em> when another acknowledged operation on the same row started after it was acknowledged: with
 * clocks in step, the later one carries the higher version and must win. "After" means later by more than
 * {@link #REAL_TIME_MARGIN}: versions have millisecond resolution, so two writes on different nodes within the same
 * millisecond are concurrent however the test JVM saw them. The final state of the row must be the
 * effect of operations that are not superseded (candidates):
 * <ul>
 *   <li>present: a candidate is an insert or update, and each column any write recorded holds the value of a write
 *       to that column not superseded for it (by a later acknowledged write of that column, or a later acknowledged
 *       delete): writes merge column by column (a column that references a deleted parent with ON DELETE SET NULL
 *       may be null instead);</li>
 *   <li>absent: a candidate is a delete, or no candidate write was acknowledged, or a parent the row references
 *       has a delete (ON DELETE CASCADE).</li>
 * </ul>
 * So every acknowledged insert is present unless a later delete was acknowledged, and every row holds a value
 * written to it. {@link Order#NONE} (used when a clock is skewed on purpose) keeps every operation a candidate.
 * Tables declared {@link #exclusive(String) exclusive} must hold no row that the history does not know.
 */
public final class WriteHistory {
    public enum Kind { INSERT, UPDATE, DELETE }

    public enum Order {
        /** Operations that do not overlap in time take effect in that order (clocks in step). */
        REAL_TIME,
        /** Any written value may win (a node's clock was skewed on purpose). */
        NONE
    }

    public enum OnDelete { CASCADE, SET_NULL }

    /** {@code table.column} references {@code parentTable}'s key. */
    public record ForeignKey(String table, String column, String parentTable, OnDelete onDelete) {
    }

    /**
     * @param values the row's columns as written (a subset is fine; compared column by column), null for a delete
     * @param ackNanos {@link System#nanoTime()} at acknowledgement, or {@link #UNKNOWN}
     */
    public record Op(long seq, String node, String table, String id, Kind kind, ObjectNode values, long startNanos,
                     long ackNanos) {
        public boolean acknowledged() {
            return ackNanos != UNKNOWN;
        }

        @Override
        public String toString() {
            return "#" + seq + " " + kind + (acknowledged() ? "" : "(unknown outcome)") + " on " + node
                    + (values == null ? "" : " " + values);
        }
    }

    public static final long UNKNOWN = Long.MAX_VALUE;
    /** How much later an operation must start to count as after another one (version resolution, clock reads). */
    public static final java.time.Duration REAL_TIME_MARGIN = java.time.Duration.ofMillis(20);

    private final List<ForeignKey> foreignKeys = new ArrayList<>();
    private final Set<String> exclusive = new HashSet<>();
    private final Map<String, Map<String, List<Op>>> ops = new LinkedHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /** The review schema's foreign keys, which decide what a parent's delete may do to a child. */
    public static WriteHistory forReviewSchema() {
        return new WriteHistory()
                .foreignKey(new ForeignKey("categories", "parent_id", "categories", OnDelete.SET_NULL))
                .foreignKey(new ForeignKey("products", "category_id", "categories", OnDelete.SET_NULL))
                .foreignKey(new ForeignKey("reviews", "product_id", "products", OnDelete.CASCADE))
                .foreignKey(new ForeignKey("reviews", "user_id", "users", OnDelete.CASCADE))
                .foreignKey(new ForeignKey("product_images", "product_id", "products", OnDelete.CASCADE))
                .foreignKey(new ForeignKey("review_media", "review_id", "reviews", OnDelete.CASCADE));
    }

    public synchronized WriteHistory foreignKey(ForeignKey foreignKey) {
        foreignKeys.add(Objects.requireNonNull(foreignKey, "foreignKey"));
        return this;
    }

    /** Declares that only this history writes {@code table}: any other row found there is a violation. */
    public synchronized WriteHistory exclusive(String table) {
        exclusive.add(table);
        return this;
    }

    /** Call just before sending a write; then report its outcome on the returned handle. */
    public Pending begin(String node, String table, String id, Kind kind) {
        return new Pending(node, table, id, kind, System.nanoTime());
    }

    /** A write in flight. */
    public final class Pending {
        private final String node;
        private final String table;
        private final String id;
        private final Kind kind;
        private final long start;

        private Pending(String node, String table, String id, Kind kind, long start) {
            this.node = Objects.requireNonNull(node, "node");
            this.table = Objects.requireNonNull(table, "table");
            this.id = Objects.requireNonNull(id, "id");
            this.kind = Objects.requireNonNull(kind, "kind");
            this.start = start;
        }

        /** The write committed with these column values (null for a delete). */
        public void acknowledged(ObjectNode values) {
            record(values, System.nanoTime());
        }

        /** The client cannot tell whether the write committed (connection lost, node killed). */
        public void unknown(ObjectNode values) {
            record(values, UNKNOWN);
        }

        private void record(ObjectNode values, long ack) {
            WriteHistory.this.record(node, table, id, kind, values, start, ack);
        }
    }

    /**
     * Records an operation with explicit times (from {@link System#nanoTime()}); {@code ackNanos} is {@link #UNKNOWN}
     * when the outcome is unknown. {@link #begin} does this for you.
     */
    public void record(String node, String table, String id, Kind kind, ObjectNode values, long startNanos,
                       long ackNanos) {
        if (ackNanos != UNKNOWN && ackNanos < startNanos) {
            throw new IllegalArgumentException("ackNanos must not be before startNanos (" + startNanos + "), got: "
                    + ackNanos);
        }
        if (kind != Kind.DELETE && values == null) {
            throw new IllegalArgumentException("values must be given for an " + kind + " of " + table + " " + id);
        }
        add(new Op(sequence.incrementAndGet(), node, table, id, kind, values, startNanos, ackNanos));
    }

    private synchronized void add(Op op) {
        ops.computeIfAbsent(op.table(), t -> new LinkedHashMap<>()).computeIfAbsent(op.id(), k -> new ArrayList<>())
                .add(op);
    }

    /** Number of recorded operations. */
    public synchronized int size() {
        return ops.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
    }

    /** Acknowledged operations, per kind. */
    public synchronized Map<Kind, Long> acknowledgedCounts() {
        Map<Kind, Long> counts = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            counts.put(kind, 0L);
        }
        ops.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream).filter(Op::acknowledged)
                .forEach(op -> counts.merge(op.kind(), 1L, Long::sum));
        return counts;
    }

    /** Every violation of the model by {@code data} (the converged data of the nodes); empty when it holds. */
    public synchronized List<String> violations(NodeSnapshot data, Order order) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Op>>> table : ops.entrySet()) {
            for (Map.Entry<String, List<Op>> row : table.getValue().entrySet()) {
                checkRow(data, order, table.getKey(), row.getKey(), row.getValue(), violations);
            }
        }
        for (String table : exclusive) {
            Map<String, List<Op>> known = ops.getOrDefault(table, Map.of());
            Set<String> knownKeys = new HashSet<>();
            known.keySet().forEach(id -> knownKeys.add(SnapshotReader.keyOf(id)));
            data.table(table).rows().forEach((key, row) -> {
                if (!knownKeys.contains(key)) {
                    violations.add(table + " " + key + ": present but never written: " + row);
                }
            });
        }
        return violations;
    }

    /** Fails with every violation (at most 30 shown) when the model does not hold. */
    public void check(NodeSnapshot data, Order order) {
        List<String> violations = violations(data, order);
        if (!violations.isEmpty()) {
            StringBuilder message = new StringBuilder(violations.size() + " rows break the write history ("
                    + size() + " operations, order " + order + "):");
            violations.stream().limit(30).forEach(v -> message.append(System.lineSeparator()).append("  ").append(v));
            throw new AssertionError(message.toString());
        }
    }

    private void checkRow(NodeSnapshot data, Order order, String table, String id, List<Op> rowOps,
                          List<String> violations) {
        List<Op> candidates = new ArrayList<>();
        for (Op op : rowOps) {
            boolean superseded = order == Order.REAL_TIME && op.acknowledged()
                    && rowOps.stream().anyMatch(other -> other != op && other.acknowledged()
                            && other.startNanos() - op.ackNanos() > REAL_TIME_MARGIN.toNanos());
            if (!superseded) {
                candidates.add(op);
            }
        }
        ObjectNode row = data.row(table, id).orElse(null);
        if (row != null) {
            if (candidates.stream().noneMatch(op -> op.kind() != Kind.DELETE)) {
                violations.add(table + " " + id + ": holds " + row + ", but no write that could have won says it exists: "
                        + candidates + parentDeletes(table, rowOps));
                return;
            }
            checkColumns(table, id, row, order, rowOps, violations);
            return;
        }
        boolean mayBeAbsent = candidates.stream().anyMatch(op -> op.kind() == Kind.DELETE || !op.acknowledged())
                || candidates.stream().anyMatch(op -> op.kind() != Kind.DELETE && cascadeDeletable(op.values(), table));
        if (!mayBeAbsent) {
            violations.add(table + " " + id + ": missing, but acknowledged writes that could have won say it exists: "
                    + candidates + parentDeletes(table, rowOps));
        }
    }

    /**
     * Column by column (writes merge per column): each column a write recorded holds the value of a write to that
     * column that is not superseded, for that column, by a later acknowledged write to it or by a later acknowledged
     * delete of the row. So concurrent updates of different columns must both be there, and of one column one of them.
     */
    private void checkColumns(String table, String id, ObjectNode row, Order order, List<Op> rowOps,
                              List<String> violations) {
        Set<String> columns = new java.util.TreeSet<>();
        rowOps.stream().filter(op -> op.kind() != Kind.DELETE && op.values() != null)
                .forEach(op -> op.values().fieldNames().forEachRemaining(columns::add));
        for (String column : columns) {
            List<Op> writers = rowOps.stream().filter(op -> op.kind() != Kind.DELETE && op.values() != null
                    && op.values().has(column)).toList();
            List<Op> candidates = writers.stream().filter(op -> order != Order.REAL_TIME || !op.acknowledged()
                    || rowOps.stream().noneMatch(other -> other != op && other.acknowledged()
                            && (other.kind() == Kind.DELETE || (other.values() != null && other.values().has(column)))
                            && other.startNanos() - op.ackNanos() > REAL_TIME_MARGIN.toNanos())).toList();
            if (candidates.isEmpty()) {
                continue; // every write of the column was followed by a delete: a later life of the row shows
            }
            JsonNode actual = row.get(column);
            boolean explained = candidates.stream().anyMatch(op -> {
                JsonNode written = op.values().get(column);
                return (actual != null && actual.equals(written)) || (actual != null && actual.isNull()
                        && parentDeleted(table, column, written, OnDelete.SET_NULL));
            });
            if (!explained) {
                violations.add(table + " " + id + ": column " + column + " holds " + actual + ", which none of the writes"
                        + " of that column that could have won wrote: " + candidates.stream()
                        .map(op -> "#" + op.seq() + " " + op.kind() + " on " + op.node() + " " + column + "="
                                + op.values().get(column)).toList()
                        + (candidates.size() < writers.size() ? " (superseded: " + writers.stream()
                        .filter(op -> !candidates.contains(op)).map(op -> "#" + op.seq()).toList() + ")" : "")
                        + parentDeletes(table, rowOps));
            }
        }
    }

    /** Deletes of parents this row referenced: cascades are the usual suspects when a row breaks the model. */
    private String parentDeletes(String table, List<Op> rowOps) {
        StringBuilder out = new StringBuilder();
        long origin = rowOps.get(0).startNanos();
        for (ForeignKey fk : foreignKeys) {
            if (!fk.table().equals(table)) {
                continue;
            }
            rowOps.stream().filter(op -> op.values() != null && op.values().hasNonNull(fk.column()))
                    .map(op -> op.values().get(fk.column()).asText()).distinct()
                    .forEach(parent -> ops.getOrDefault(fk.parentTable(), Map.of()).getOrDefault(parent, List.of())
                            .stream().filter(op -> op.kind() == Kind.DELETE)
                            .forEach(op -> out.append("; parent ").append(fk.parentTable()).append(' ').append(parent)
                                    .append(" (").append(fk.column()).append(", ON DELETE ").append(fk.onDelete())
                                    .append(") deleted by ").append(op).append(" started at ")
                                    .append(signedMillis(op.startNanos() - origin)).append(" ms")));
        }
        if (out.length() > 0) {
            StringBuilder times = new StringBuilder("; this row's operations started at");
            rowOps.forEach(op -> times.append(" #").append(op.seq()).append(' ')
                    .append(signedMillis(op.startNanos() - origin)).append(" ms"));
            out.append(times);
        }
        return out.toString();
    }

    private static String signedMillis(long nanos) {
        return (nanos >= 0 ? "+" : "") + nanos / 1_000_000;
    }

    private static List<Op> superseded(List<Op> all, List<Op> candidates) {
        return all.stream().filter(op -> !candidates.contains(op)).toList();
    }

    private boolean cascadeDeletable(ObjectNode values, String table) {
        for (ForeignKey fk : foreignKeys) {
            if (fk.table().equals(table) && fk.onDelete() == OnDelete.CASCADE && values.hasNonNull(fk.column())
                    && hasDelete(fk.parentTable(), values.get(fk.column()).asText())) {
                return true;
            }
        }
        return false;
    }

    private boolean parentDeleted(String table, String column, JsonNode value, OnDelete onDelete) {
        if (value == null || value.isNull()) {
            return false;
        }
        for (ForeignKey fk : foreignKeys) {
            if (fk.table().equals(table) && fk.column().equals(column) && fk.onDelete() == onDelete
                    && hasDelete(fk.parentTable(), value.asText())) {
                return true;
            }
        }
        return false;
    }

    /** The row was deleted, or a parent it references was (transitively, through ON DELETE CASCADE). */
    private boolean hasDelete(String table, String id) {
        List<Op> rowOps = ops.getOrDefault(table, Map.of()).getOrDefault(id, List.of());
        return rowOps.stream().anyMatch(op -> op.kind() == Kind.DELETE)
                || rowOps.stream().anyMatch(op -> op.kind() != Kind.DELETE && cascadeDeletable(op.values(), table));
    }
}
