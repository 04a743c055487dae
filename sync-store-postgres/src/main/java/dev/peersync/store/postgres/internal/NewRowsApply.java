package dev.peersync.store.postgres.internal;

import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.store.ApplyResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * The fast path of an apply whose rows are all new here, the usual batch of a peer catching up on inserts: per table one
 * INSERT of the rows and one COPY of their metadata, computed in Java, instead of the merge rule's path (the batch
 * staged in temporary tables, each row's key parsed, locked, compared and claimed, then upserted). For a key with no
 * version here the merge rule has one outcome, the incoming version wins; {@link NewVersionsCheck} asks what it would
 * do otherwise (versions ahead of our clock, below a truncation).
 *
 * <p>It answers only for batches of live rows of known shape (every column the table has, no other), without derived
 * data or a key twice, whose keys are of plain types in canonical form ({@link PlainKeys}); column versions are made
 * canonical and hashed here as the database would ({@code DigestHash.columnVersionsHash}), but for one that lists a
 * column no write reached. The
 * writes are plain inserts under a savepoint: a key already here (in the table or its metadata), a missing parent, a
 * unique collision or anything the table refuses fails them, the savepoint is rolled back, and the caller runs the
 * merge rule's path, which settles each row. Rows go into the table before their metadata, in the order local writers
 * take them.
 */
final class NewRowsApply {
    private static final String SAVEPOINT = "peersync_new_rows";

    private final Map<String, PgTable> tables;
    private final List<PgTable> parentsFirst;
    private final String s;
    private final long maxOffsetMillis;
    private final int bucketCount;
    private final PlainRows plain;
    private final BulkPath path = new BulkPath("new rows");

    NewRowsApply(Map<String, PgTable> tables, List<PgTable> parentsFirst, String quotedSchema, long maxOffsetMillis,
                 int bucketCount) {
        this.tables = tables;
        this.parentsFirst = parentsFirst;
        this.s = quotedSchema;
        this.maxOffsetMillis = maxOffsetMillis;
        this.bucketCount = bucketCount;
        this.plain = new PlainRows(tables);
    }

    long taken() {
        return path.taken();
    }

    long declined() {
        return path.declined();
    }

    /**
     * One table's rows of the batch: the rows as a JSON array, each row's metadata but its local numbering, and the
     * values of each key column, to look the keys up.
     */
    private record TableRows(PgTable table, StringBuilder json, List<Meta> meta, List<List<String>> keyValues) {
    }

    /**
     * A row's metadata as COPY text, but for the local transaction id and change number between {@code before} and
     * {@code originTx}, and after it: known once the clock is reserved.
     */
    private record Meta(String before, String originTx, String after) {
    }

    /** The one statement before any write: the checks, and when they pass, the clock reserved. */
    private record Checked(String refusal, long base, String tx) {
    }

    /**
     * Applies {@code rows} in the caller's transaction (the {@link ApplyGate} held) when they are all new here; empty when
     * they are not, with nothing written but our clock moved past them.
     */
    Optional<ApplyResult> apply(Handle h, List<Incoming> rows) {
        Map<String, TableRows> byTable = split(rows);
        if (byTable == null) {
            return Optional.empty();
        }
        Checked checked = check(h, rows, byTable);
        if (checked.refusal() != null) {
            return path.declined(checked.refusal());
        }
        h.savepoint(SAVEPOINT);
        try {
            write(h, byTable, checked, Bookkeeping.appliedCause(rows));
            h.releaseSavepoint(SAVEPOINT);
        } catch (JdbiException | BulkCopy.NotNew e) {
            h.rollbackToSavepoint(SAVEPOINT);
            return path.declined(e.getMessage());
        }
        Map<String, Integer> perTable = new LinkedHashMap<>();
        byTable.forEach((name, t) -> perTable.put(name, t.meta().size()));
        return path.took(rows, perTable);
    }

    /** The batch by table, parents first, in the form the writes take; null when some row cannot take this path. */
    private Map<String, TableRows> split(List<Incoming> rows) {
        Map<String, TableRows> byTable = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (Incoming r : rows) {
            RowChange c = r.change();
            List<String> key = plain.keyOf(c);
            if (key == null || !keys.add(c.table() + '\n' + c.pk())) {
                return null;
            }
            // Column versions as the merge rule's path stores them (canonical), hashed here as the database would.
            String columns;
            try {
                columns = IncomingRows.canonicalColumns(c);
            } catch (IllegalArgumentException e) {
                return null; // the merge rule's path refuses it with the reason
            }
            Long hash = DigestHash.liveVersionHash(c.pk(), c.hlc(), c.origin(), columns);
            if (hash == null) {
                return null; // a column no write reached: the database's to hash
            }
            PgTable t = tables.get(c.table());
            TableRows out = byTable.computeIfAbsent(t.name(), n -> new TableRows(t, new StringBuilder("["),
                    new ArrayList<>(), new ArrayList<>()));
            out.json().append(out.json().length() > 1 ? "," : "").append(c.data());
            out.keyValues().add(key);
            String before = String.join("\t", key) + '\t' + c.hlc() + '\t' + c.origin() + "\tf\t";
            String after = "\t" + DigestHash.bucketOf(c.pk(), bucketCount) + "\t"
                    + IncomingRows.copyField(new StringBuilder(), columns) + "\t"
                    + (c.previous() == null ? "\\N\t\\N" : c.previous().hlc() + "\t" + c.previous().node()) + '\t'
                    + hash + '\n';
            out.meta().add(new Meta(before, c.originTx() > 0 ? Long.toString(c.originTx()) : "\\N", after));
        }
        return BulkPath.parentsFirst(parentsFirst, byTable);
    }

    /**
     * One statement: no version ahead of our clock or below a truncation ({@link NewVersionsCheck}), no key with
     * metadata or a parked row here (index probes per key); when all pass, the clock moved past every version and the batch's local
     * change numbers reserved.
     */
    private Checked check(Handle h, List<Incoming> rows, Map<String, TableRows> byTable) {
        long minHlc = Long.MAX_VALUE;
        long maxHlc = Long.MIN_VALUE;
        for (Incoming r : rows) {
            minHlc = Math.min(minHlc, r.change().hlc());
            maxHlc = Math.max(maxHlc, r.change().hlc());
        }
        StringBuilder known = new StringBuilder();
        int table = 0;
        for (TableRows rowsOf : byTable.values()) {
            PgTable t = rowsOf.table();
            StringBuilder unnest = new StringBuilder();
            StringBuilder join = new StringBuilder();
            for (int k = 0; k < t.pk().size(); k++) {
                PgTable.Column c = t.pk().get(k);
                unnest.append(k > 0 ? ", " : "").append("CAST(:k").append(table).append('_').append(k).append(" AS text[])");
                join.append(k > 0 ? " AND " : "").append("m.").append(c.quoted()).append(" = CAST(u.k").append(k)
                        .append(" AS ").append(c.type()).append(')');
            }
            known.append(table > 0 ? " OR " : "").append("EXISTS (SELECT 1 FROM unnest(").append(unnest).append(") u(")
                    .append(String.join(", ", java.util.stream.IntStream.range(0, t.pk().size()).mapToObj(k -> "k" + k)
                            .toList()))
                    .append(") JOIN ").append(t.meta()).append(" m ON ").append(join).append(')');
            table++;
        }
        // Parked rows of these keys are the merge rule path's too: it drops those a newer version supersedes.
        known.append(" OR EXISTS (SELECT 1 FROM unnest(CAST(:ptbl AS text[]), CAST(:ppk AS text[])) u(t, k) JOIN ")
                .append(s).append(".parked p ON p.tbl = u.t AND p.pk = u.k)");
        String ok = "c.ahead <= :offset AND NOT c.truncated AND NOT c.known";
        var query = h.createQuery("SELECT c.ahead, c.truncated, c.known, CASE WHEN " + ok + " THEN " + s
                + ".hlc_reserve(1, :max) END, CASE WHEN " + ok + " THEN " + s + ".hlc_reserve(:n) END AS base,"
                + " pg_current_xact_id()::text FROM (SELECT " + NewVersionsCheck.aheadSql(s) + " AS ahead, "
                + NewVersionsCheck.truncatedSql(s) + " AS truncated, " + known + " AS known OFFSET 0) c")
                .bind("max", maxHlc).bind("min", minHlc).bind("n", (long) rows.size()).bind("offset", maxOffsetMillis)
                .bindArray("t", String.class, byTable.keySet().toArray())
                .bindArray("ptbl", String.class, rows.stream().map(r -> r.change().table()).toArray())
                .bindArray("ppk", String.class, rows.stream().map(r -> r.change().pk()).toArray());
        table = 0;
        for (TableRows rowsOf : byTable.values()) {
            for (int k = 0; k < rowsOf.table().pk().size(); k++) {
                int column = k;
                query.bindArray("k" + table + "_" + k, String.class,
                        rowsOf.keyValues().stream().map(key -> key.get(column)).toArray());
            }
            table++;
        }
        return query.map((rs, ctx) -> {
            String refusal = NewVersionsCheck.refusal(rs.getLong(1), rs.getBoolean(2), maxOffsetMillis, byTable.keySet());
            if (refusal == null && rs.getBoolean(3)) {
                refusal = "some keys have versions here, or rows parked";
            }
            return new Checked(refusal, rs.getLong(5), rs.getString(6));
        }).one();
    }

    /** The rows, then their metadata, table by table. */
    private void write(Handle h, Map<String, TableRows> byTable, Checked checked, String cause) {
        long seq = checked.base();
        for (TableRows rowsOf : byTable.values()) {
            PgTable t = rowsOf.table();
            // The capture trigger leaves these inserts alone: their metadata is the COPY below.
            int inserted = h.createUpdate("WITH c AS MATERIALIZED (SELECT set_config('" + CaptureSql.SNAPSHOT_SETTING
                            + "', :t, true)) INSERT INTO " + t.qualified() + " (" + t.columnNames("") + ")"
                            + (t.identityAlways() ? " OVERRIDING SYSTEM VALUE" : "")
                            + " SELECT " + t.columnNames("r") + " FROM c CROSS JOIN jsonb_populate_recordset(null::"
                            + t.qualified() + ", CAST(:rows AS jsonb)) r")
                    .bind("t", t.name()).bind("rows", rowsOf.json().append(']').toString()).execute();
            if (inserted != rowsOf.meta().size()) {
                throw new BulkCopy.NotNew(inserted + " of " + rowsOf.meta().size() + " rows of " + t.name() + " written");
            }
            StringBuilder meta = new StringBuilder(rowsOf.meta().size() * 192);
            for (Meta m : rowsOf.meta()) {
                meta.append(m.before()).append(checked.tx()).append('\t').append(m.originTx()).append('\t')
                        .append(seq++).append(m.after());
            }
            BulkCopy.copyIn(h, "COPY " + t.meta() + " (" + t.pkNames() + ", _hlc, _origin, _deleted, _tx, _otx, _seq, _bucket,"
                    + " _cv, _phlc, _porigin, _hash) FROM STDIN",
                    new java.io.ByteArrayInputStream(meta.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        // Announced as rows from that peer: pushed to every other peer, not back to it (as Bookkeeping.notifyApplied).
        h.createQuery("SELECT set_config('" + CaptureSql.SNAPSHOT_SETTING + "', '', true), pg_notify('"
                + PgCommitListener.CHANNEL + "', :cause)").bind("cause", cause).mapTo(String.class).one();
    }
}
