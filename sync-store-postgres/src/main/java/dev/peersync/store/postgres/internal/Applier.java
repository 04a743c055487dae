package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.UniqueCollisionPolicy;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies rows from peers inside the caller's transaction, set-based, by the {@link dev.peersync.core.MergeRule}. A
 * batch whose rows are all new here takes {@link NewRowsApply}, one insert and one COPY per table; any other:
 * <ol>
 *   <li>{@link IncomingRows}: load the batch into temporary tables; versions too far ahead of our clock are parked.</li>
 *   <li>{@link Classifier}: lock the batch's local rows, classify each row {@code win}, {@code skip} or {@code merge},
 *       keep only the highest version per key, claim keys that are new here; move the clock past every accepted
 *       version. {@link ColumnMerge}: rows ahead in some columns only take those columns and become winners.</li>
 *   <li>{@link RowWriter}: delete winning tombstones children first, upsert winning rows parents first, one statement
 *       per table (the capture trigger leaves those rows to us), row by row where a statement fails.</li>
 *   <li>{@link Bookkeeping}: record the winners' metadata with their origin versions (they enter the local feed:
 *       relay), park what could not be written, drop parked rows that are now superseded, count.</li>
 * </ol>
 * Applies of different peers run at the same time: they share a lock only with snapshot loads (which take it
 * exclusively), and otherwise wait for each other on the keys they share.
 */
final class Applier {
    private final Map<String, PgTable> tables;
    private final List<PgTable> parentsFirst;
    private final String s;
    private final long maxOffsetMillis;
    private final int bucketCount;
    private final Clock clock;
    private final dev.peersync.core.NodeId node;
    private final Map<String, UniqueCollisionPolicy> policies;
    private final int maxParked;
    private final HeldValues held;
    private final Map<String, String> tableByMeta = new HashMap<>();
    private final NewRowsApply newRows;
    private final SuccessorApply successors;

    Applier(Map<String, PgTable> tables, List<PgTable> parentsFirst, String schema,
            long maxOffsetMillis, int bucketCount, Clock clock, dev.peersync.core.NodeId node,
            List<UniqueCollisionPolicy> policies, int maxParked, HeldValues held) {
        this.node = node;
        this.held = held;
        this.maxParked = maxParked;
        tables.values().forEach(t -> tableByMeta.put(t.meta(), t.name()));
        Map<String, UniqueCollisionPolicy> byKey = new HashMap<>();
        policies.forEach(p -> byKey.put(p.table() + "/" + p.constraint(), p));
        this.policies = Map.copyOf(byKey);
        this.tables = tables;
        this.bucketCount = bucketCount;
        this.parentsFirst = parentsFirst;
        this.s = Sql.ident(schema);
        this.maxOffsetMillis = maxOffsetMillis;
        this.clock = clock;
        this.newRows = new NewRowsApply(tables, parentsFirst, this.s, maxOffsetMillis, bucketCount);
        this.successors = new SuccessorApply(tables, parentsFirst, this.s, maxOffsetMillis, held);
    }

    /** The fast path of batches that follow the versions held here (tests look at what it took). */
    SuccessorApply successors() {
        return successors;
    }

    /** The fast path of batches of new rows (tests look at what it took). */
    NewRowsApply newRows() {
        return newRows;
    }

    /** Throws before anything is written when a row names a table that is not synced here. */
    void check(List<Incoming> rows) {
        for (Incoming r : rows) {
            if (!tables.containsKey(r.change().table())) {
                throw new IllegalArgumentException("row for a table that is not synced here: " + r.change().table()
                        + " (synced: " + tables.keySet() + "); nothing was applied");
            }
            if (Truncations.KEY.equals(r.change().pk()) && !r.change().deleted()) {
                throw new IllegalArgumentException("a truncation of " + r.change().table() + " must be marked deleted: "
                        + r.change() + "; nothing was applied");
            }
            if (r.change().pk() == null || r.change().origin() == null
                    || (!r.change().deleted() && r.change().data() == null)) {
                throw new IllegalArgumentException("row of " + r.change().table() + " has no key, origin or data: "
                        + r.change() + "; nothing was applied");
            }
        }
    }

    /**
     * Applies the rows in the caller's transaction (several batches of one source transaction may share it), which
     * holds the {@link ApplyGate} (an apply's mode, or a snapshot page's for a page the merge rule settles).
     */
    ApplyResult apply(org.jdbi.v3.core.Handle h, List<Incoming> rows) {
        if (rows.isEmpty()) {
            return ApplyResult.empty();
        }
        List<Incoming> truncations = rows.stream().filter(r -> Truncations.KEY.equals(r.change().pk())).toList();
        if (!truncations.isEmpty()) {
            // First: rows of this batch below a truncation are then skipped by the watermark, rows above it kept.
            ApplyRun run = new ApplyRun(h, s, bucketCount, node, clock);
            h.execute(Sql.TRANSACTION_SETTINGS);
            List<String> truncated = Truncations.apply(run, parentsFirst, truncations);
            List<Incoming> others = rows.stream().filter(r -> !Truncations.KEY.equals(r.change().pk())).toList();
            ApplyResult rest = others.isEmpty() ? ApplyResult.empty() : apply(h, others);
            Map<String, Integer> perTable = new HashMap<>(rest.appliedPerTable());
            truncated.forEach(t -> perTable.merge(t, 1, Integer::sum));
            if (!truncated.isEmpty()) {
                h.createQuery("SELECT pg_notify('" + PgCommitListener.CHANNEL + "', :cause)")
                        .bind("cause", truncations.get(0).peer().value().toString()).mapTo(String.class).list();
            }
            return new ApplyResult(rest.applied() + truncated.size(), rest.skipped() + truncations.size()
                    - truncated.size(), rest.parked(), perTable, rest.events(), rest.perOrigin(), rest.conflicts());
        }
        // Statements without results share a round trip: they add up for the one-row batches of live sync.
        h.execute(Sql.TRANSACTION_SETTINGS + "; SELECT "
                + s + ".apply_tables()");
        // Rows that name the version they replaced are usually updates of rows held here, but may be new here (a node
        // reading the feed from its start): the successors' path first for them, the new rows' path for any batch.
        java.util.Optional<ApplyResult> fast = SuccessorApply.candidates(rows) ? successors.apply(h, rows)
                : java.util.Optional.empty();
        if (fast.isEmpty()) {
            fast = newRows.apply(h, rows);
        }
        if (fast.isPresent()) {
            return fast.get();
        }
        ApplyRun run = new ApplyRun(h, s, bucketCount, node, clock);
        Classifier classifier = new Classifier(run, maxOffsetMillis, clock);
        RowWriter writer = new RowWriter(run, clock, policies, tableByMeta);
        Bookkeeping books = new Bookkeeping(run, clock, maxParked);
        IncomingRows.load(h, s, bucketCount, rows);
        classifier.parkSkewed();
        List<PgTable> present = present(rows);
        present.forEach(classifier::canonicalKeys);
        classifier.dedupe();
        Set<String> lacking = new HashSet<>();
        ColumnShapes shapes = columnShapes(rows);
        for (PgTable t : present) {
            if (shapes.lacking().contains(t.name()) && MissingColumns.mark(run, t)) {
                lacking.add(t.name());
            }
        }
        writer.lackingColumns(lacking);
        present.forEach(classifier::classify);
        // Values of columns this node lacks, before a merge rewrites the data.
        present.forEach(t -> held.hold(run, t, shapes.unknown().contains(t.name())));
        h.execute("SELECT " + s + ".hlc_reserve(1, max(hlc)) FROM " + IN + " WHERE state IN ('win', 'skip', 'merge')"
                + " HAVING count(*) > 0");
        Map<String, Integer> wins = winCounts(h);
        for (PgTable t : present) {
            if (wins.getOrDefault(t.name() + "/c", 0) > 0) {
                run.conflicts.recordClassified(t); // before anything is written: the local rows as they were
            }
        }
        ColumnMerge merger = new ColumnMerge(run);
        for (PgTable t : present) {
            int merging = wins.getOrDefault(t.name() + "/m", 0);
            if (merging > 0) {
                merger.merge(t);
                wins.merge(t.name() + "/u", merging, Integer::sum);
            }
        }
        for (int i = present.size() - 1; i >= 0; i--) {
            PgTable t = present.get(i);
            if (wins.getOrDefault(t.name() + "/d", 0) > 0) {
                writer.write(t, true);
            }
        }
        for (PgTable t : present) {
            if (wins.getOrDefault(t.name() + "/u", 0) > 0) {
                writer.write(t, false);
            }
        }
        int parked = books.park();
        for (PgTable t : present) {
            if (wins.getOrDefault(t.name() + "/d", 0) + wins.getOrDefault(t.name() + "/u", 0) == 0) {
                continue;
            }
            if (wins.getOrDefault(t.name() + "/r", 0) > 0) {
                books.recordMetadata(t); // claimed keys have their metadata already
            }
            if (wins.getOrDefault(t.name() + "/m", 0) > 0) {
                books.recordMerged(t);
            }
            if (writer.renamed()) {
                books.versionRenames(t);
            }
            if (writer.rewroteClaims()) {
                books.followRewrittenClaims(t);
            }
            if (parked > 0 || writer.superseded()) {
                books.releaseClaims(t);
            }
        }
        books.unparkSuperseded();
        Bookkeeping.Tally tally = books.tally(rows);
        if (tally.applied() > 0) {
            books.notifyApplied(rows);
        }
        h.execute(IncomingRows.emptied(rows.size()));
        return new ApplyResult(tally.applied(), tally.skipped(), parked, tally.appliedPerTable(), run.events,
                tally.perOrigin(), run.conflictCounts);
    }

    /**
     * Winning rows per table and kind ({@code table/d} tombstones, {@code table/u} upserts, {@code table/m} merges),
     * conflicts ({@code table/c}), and winners whose keys were held here already ({@code table/r}, at most).
     */
    private static Map<String, Integer> winCounts(org.jdbi.v3.core.Handle h) {
        Map<String, Integer> counts = new HashMap<>();
        h.createQuery("SELECT tbl || CASE WHEN state = 'merge' THEN '/m' WHEN deleted THEN '/d' ELSE '/u' END AS k,"
                        + " count(*)::int AS n FROM " + IN + " WHERE state IN ('win', 'merge') GROUP BY 1"
                        + " UNION ALL SELECT tbl || '/c', count(*)::int FROM " + IN + " WHERE conflict GROUP BY tbl"
                        // An upper bound of the winners Bookkeeping.recordMetadata records (keys held here already).
                        + " UNION ALL SELECT tbl || '/r', count(*)::int FROM " + IN + " WHERE state IN ('win', 'merge')"
                        + " AND claim_round IS NULL AND NOT merged GROUP BY tbl").mapToMap()
                .forEach(r -> counts.put((String) r.get("k"), (Integer) r.get("n")));
        return counts;
    }

    /**
     * Per table, whether some incoming row carries a column this node's table lacks ({@code unknown}: a column added on
     * another node first) and whether some row lacks a column the table has ({@code lacking}: the writer's table did
     * not have it yet). Read from the rows' JSON text here ({@link TopLevelKeys}, conservative: a row it cannot read
     * plainly counts for both); only for those tables does the database look, per row.
     */
    private record ColumnShapes(Set<String> unknown, Set<String> lacking) {
    }

    private ColumnShapes columnShapes(List<Incoming> rows) {
        Map<String, Set<String>> all = new HashMap<>();
        Map<String, List<String>> nonKey = new HashMap<>();
        Set<String> unknown = new HashSet<>();
        Set<String> lacking = new HashSet<>();
        for (Incoming r : rows) {
            String table = r.change().table();
            if (r.change().deleted() || (unknown.contains(table) && lacking.contains(table))) {
                continue;
            }
            Set<String> keys = TopLevelKeys.of(r.change().data());
            PgTable t = tables.get(table);
            if (keys == null || !all.computeIfAbsent(table, n -> Set.copyOf(t.attributes())).containsAll(keys)) {
                unknown.add(table);
            }
            if (keys == null || !keys.containsAll(nonKey.computeIfAbsent(table,
                    n -> t.nonKeyColumns().stream().map(PgTable.Column::name).toList()))) {
                lacking.add(table);
            }
        }
        return new ColumnShapes(unknown, lacking);
    }

    /** The synced tables this batch has rows for, parents first. */
    private List<PgTable> present(List<Incoming> rows) {
        Set<String> names = new HashSet<>();
        rows.forEach(r -> names.add(r.change().table()));
        return parentsFirst.stream().filter(t -> names.contains(t.name())).toList();
    }
}
