package dev.peersync.store.postgres.internal;

import dev.peersync.core.ColumnVersions;
import dev.peersync.core.MergeRule;
import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
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
import java.util.UUID;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The fast path of an apply whose rows all follow the version held here, the usual batch of a peer replicating updates:
 * each incoming version was written over the very version this node holds (its previous version, {@code _phlc} and
 * {@code _porigin}, is ours), so nothing was written here meanwhile, there is no conflict, and the merge rule
 * ({@link MergeRule}, asked here for each row, in Java) lets it win. Per table one UPDATE of the rows and one UPDATE of
 * their metadata, instead of the merge rule's path (the batch staged in temporary tables, each row's key parsed,
 * locked, compared, then upserted).
 *
 * <p>It answers only for live rows as written of known shape ({@link PlainRows}), a key once per batch, on tables that do
 * not reference themselves (their capture would look for the merge rule path's staged batch) and hold no values of
 * columns this node lacks. The rows and their metadata are locked in key order, table rows first, as the merge rule's
 * path locks them, before anything is decided. The writes run under a savepoint; an UPDATE that finds fewer rows than
 * it should, a unique collision, a missing parent or anything the table refuses rolls it back, and the caller runs the
 * merge rule's path.
 */
final class SuccessorApply {
    private static final String SAVEPOINT = "peersync_successors";

    private final Map<String, PgTable> tables;
    private final List<PgTable> parentsFirst;
    private final String s;
    private final long maxOffsetMillis;
    private final HeldValues held;
    private final PlainRows plain;
    private final BulkPath path = new BulkPath("successors");

    SuccessorApply(Map<String, PgTable> tables, List<PgTable> parentsFirst, String quotedSchema, long maxOffsetMillis,
                   HeldValues held) {
        this.tables = tables;
        this.parentsFirst = parentsFirst;
        this.s = quotedSchema;
        this.maxOffsetMillis = maxOffsetMillis;
        this.held = held;
        this.plain = new PlainRows(tables);
    }

    long taken() {
        return path.taken();
    }

    long declined() {
        return path.declined();
    }

    /** True when every row names the version it replaced: only then is this path worth a try. */
    static boolean candidates(List<Incoming> rows) {
        return rows.stream().allMatch(r -> r.change().previous() != null);
    }

    /** One row: its change, its key columns' values and its canonical column versions. */
    private record Row(RowChange change, List<String> key, String columns) {
    }

    /**
     * Applies {@code rows} in the caller's transaction (the {@link ApplyGate} held) when each follows the version held here;
     * empty when they do not, with nothing written but row locks taken.
     */
    Optional<ApplyResult> apply(Handle h, List<Incoming> rows) {
        Map<String, List<Row>> byTable = split(rows);
        if (byTable == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, List<Row>> e : byTable.entrySet()) {
            String refusal = followsHeld(h, tables.get(e.getKey()), e.getValue());
            if (refusal != null) {
                return path.declined(refusal);
            }
        }
        long[] reserved = new long[1];
        String refusal = checkAndReserve(h, rows, byTable.keySet(), reserved);
        if (refusal != null) {
            return path.declined(refusal);
        }
        h.savepoint(SAVEPOINT);
        try {
            long seq = reserved[0];
            for (Map.Entry<String, List<Row>> e : byTable.entrySet()) {
                seq = write(h, tables.get(e.getKey()), e.getValue(), seq);
            }
            h.createQuery("SELECT set_config('" + CaptureSql.WINNERS_SETTING + "', '', true), pg_notify('"
                    + PgCommitListener.CHANNEL + "', :cause)").bind("cause", Bookkeeping.appliedCause(rows))
                    .mapTo(String.class).one();
            h.releaseSavepoint(SAVEPOINT);
        } catch (JdbiException | BulkCopy.NotNew e) {
            h.rollbackToSavepoint(SAVEPOINT);
            return path.declined(e.getMessage());
        }
        Map<String, Integer> perTable = new LinkedHashMap<>();
        byTable.forEach((name, rowsOf) -> perTable.put(name, rowsOf.size()));
        return path.took(rows, perTable);
    }

    /** The batch by table, parents first; null when some row cannot take this path. */
    private Map<String, List<Row>> split(List<Incoming> rows) {
        Map<String, List<Row>> byTable = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (Incoming r : rows) {
            RowChange c = r.change();
            List<String> key = plain.keyOf(c);
            if (key == null || c.previous() == null || !keys.add(c.table() + '\n' + c.pk())) {
                return null;
            }
            PgTable t = tables.get(c.table());
            if (t.referencesItself() || t.nonKeyColumns().isEmpty() || held.any(t)) {
                return null;
            }
            String columns;
            try {
                columns = IncomingRows.canonicalColumns(c);
            } catch (IllegalArgumentException e) {
                return null; // the merge rule's path refuses it with the reason
            }
            byTable.computeIfAbsent(t.name(), n -> new ArrayList<>()).add(new Row(c, key, columns));
        }
        return BulkPath.parentsFirst(parentsFirst, byTable);
    }

    /** The key columns of the batch's rows, typed, in key order, with their position {@code _ps_i}. */
    private static String keys(PgTable t) {
        StringBuilder unnest = new StringBuilder();
        StringBuilder typed = new StringBuilder();
        for (int k = 0; k < t.pk().size(); k++) {
            PgTable.Column c = t.pk().get(k);
            unnest.append("CAST(:k").append(k).append(" AS text[]), ");
            typed.append("CAST(u.k").append(k).append(" AS ").append(c.type()).append(") AS ").append(c.quoted()).append(", ");
        }
        String names = String.join(", ", IntStream.range(0, t.pk().size()).mapToObj(k -> "k" + k).toList());
        return "(SELECT " + typed + "u._ps_i FROM unnest(" + unnest + "CAST(:i AS int[])) u(" + names + ", _ps_i)"
                + " ORDER BY " + t.pkNames() + ")";
    }

    private static <T extends SqlStatement<T>> T bindKeys(T q, PgTable t, List<Row> rows) {
        for (int k = 0; k < t.pk().size(); k++) {
            int column = k;
            q.bindArray("k" + k, String.class, rows.stream().map(r -> r.key().get(column)).toArray());
        }
        return q.bindArray("i", Integer.class, IntStream.range(0, rows.size()).boxed().toArray());
    }

    /**
     * Locks each row and its metadata (table rows first, in key order, as the merge rule's path does) and reads the
     * version held; null when every incoming row replaced exactly that version and wins by the merge rule, else why not.
     */
    private String followsHeld(Handle h, PgTable t, List<Row> rows) {
        record Held(int i, Long hlc, UUID origin, boolean deleted, String columns) {
        }
        List<Held> found = bindKeys(h.createQuery("SELECT u._ps_i, m._hlc, m._origin, m._deleted, m._cv::text FROM "
                        + keys(t) + " u LEFT JOIN LATERAL (SELECT 1 FROM " + t.qualified() + " x WHERE "
                        + t.pkJoin("x", "u") + " FOR UPDATE) d ON true LEFT JOIN LATERAL (SELECT * FROM " + t.meta()
                        + " m WHERE " + t.pkJoin("m", "u") + " FOR UPDATE) m ON true"), t, rows)
                .map((rs, ctx) -> new Held(rs.getInt(1), rs.getObject(2, Long.class), rs.getObject(3, UUID.class),
                        rs.getBoolean(4), rs.getString(5))).list();
        for (Held held : found) {
            RowChange c = rows.get(held.i()).change();
            // A derived row here (a child nulled by its parent's delete) is replaced like any other: the incoming
            // version is later. Where its parent is gone here, the UPDATE fails on the foreign key and the merge rule's
            // path nulls the child again.
            if (held.hlc() == null || held.deleted()) {
                return "no live row here for " + c.table() + " " + c.pk();
            }
            Version here = new Version(held.hlc(), new NodeId(held.origin()));
            if (!here.equals(c.previous())) {
                return c.table() + " " + c.pk() + " replaced " + c.previous() + ", this node holds " + here;
            }
            MergeRule.Side incoming = new MergeRule.Side(new Version(c.hlc(), c.origin()), false, false,
                    ColumnVersions.parse(rows.get(held.i()).columns()));
            MergeRule.Side local = new MergeRule.Side(here, false, false, ColumnVersions.parse(held.columns()));
            if (MergeRule.outcome(incoming, local) != MergeRule.Outcome.INCOMING) {
                return "the merge rule does not let " + c.table() + " " + c.pk() + " win whole";
            }
        }
        return null;
    }

    /**
     * One statement: no version ahead of our clock or below a truncation ({@link NewVersionsCheck}), no parked row of
     * these keys (the merge rule's path drops those a newer version supersedes); when all pass, the clock moved past
     * every version and the batch's local change numbers reserved (the first into {@code reserved}).
     */
    private String checkAndReserve(Handle h, List<Incoming> rows, Set<String> names, long[] reserved) {
        long minHlc = rows.stream().mapToLong(r -> r.change().hlc()).min().orElseThrow();
        long maxHlc = rows.stream().mapToLong(r -> r.change().hlc()).max().orElseThrow();
        String ok = "c.ahead <= :offset AND NOT c.truncated AND NOT c.parked";
        return h.createQuery("SELECT c.ahead, c.truncated, c.parked, CASE WHEN " + ok + " THEN " + s
                        + ".hlc_reserve(1, :max) END, CASE WHEN " + ok + " THEN " + s + ".hlc_reserve(:n) END"
                        + " FROM (SELECT " + NewVersionsCheck.aheadSql(s) + " AS ahead, " + NewVersionsCheck.truncatedSql(s)
                        + " AS truncated, EXISTS (SELECT 1 FROM unnest(CAST(:ptbl AS text[]), CAST(:ppk AS text[])) u(t, k)"
                        + " JOIN " + s + ".parked p ON p.tbl = u.t AND p.pk = u.k) AS parked OFFSET 0) c")
                .bind("max", maxHlc).bind("min", minHlc).bind("n", (long) rows.size()).bind("offset", maxOffsetMillis)
                .bindArray("t", String.class, names.toArray())
                .bindArray("ptbl", String.class, rows.stream().map(r -> r.change().table()).toArray())
                .bindArray("ppk", String.class, rows.stream().map(r -> r.change().pk()).toArray())
                .map((rs, ctx) -> {
                    String refusal = NewVersionsCheck.refusal(rs.getLong(1), rs.getBoolean(2), maxOffsetMillis, names);
                    if (refusal == null && rs.getBoolean(3)) {
                        return "rows of these keys are parked";
                    }
                    reserved[0] = rs.getLong(5);
                    return refusal;
                }).one();
    }

    /**
     * The rows of one table, then their metadata (only where it still holds the version each replaced); returns the
     * next local change number. The capture trigger leaves the table's UPDATE alone: its metadata is the second one.
     */
    private long write(Handle h, PgTable t, List<Row> rows, long seq) {
        StringBuilder json = new StringBuilder("[");
        for (Row r : rows) {
            json.append(json.length() > 1 ? "," : "").append(r.change().data());
        }
        String set = String.join(", ", t.nonKeyColumns().stream().map(c -> c.quoted() + " = r." + c.quoted()).toList());
        int updated = h.createUpdate("WITH c AS MATERIALIZED (SELECT set_config('" + CaptureSql.WINNERS_SETTING
                        + "', :t, true)) UPDATE " + t.qualified() + " x SET " + set + " FROM c CROSS JOIN"
                        + " jsonb_populate_recordset(null::" + t.qualified() + ", CAST(:rows AS jsonb)) r WHERE "
                        + t.pkJoin("x", "r"))
                .bind("t", t.name()).bind("rows", json.append(']').toString()).execute();
        if (updated != rows.size()) {
            throw new BulkCopy.NotNew(updated + " of " + rows.size() + " rows of " + t.name() + " updated");
        }
        List<Long> hashes = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (Row r : rows) {
            RowChange c = r.change();
            hashes.add(DigestHash.liveVersionHash(c.pk(), c.hlc(), c.origin(), r.columns())); // null: the database's
            seqs.add(seq++);
        }
        int recorded = bindKeys(h.createUpdate("UPDATE " + t.meta() + " m SET _hlc = u.hlc, _origin = u.origin, _deleted = false,"
                        + " _tx = pg_current_xact_id(), _otx = u.otx, _seq = u.seq, _cv = u.cv, _phlc = u.phlc,"
                        + " _porigin = u.porigin, _hash = " + Derived.hash(s, t.pkText("m"), "u.hlc", "u.origin", "false", "false", "u.cv", "u.hash") + " FROM (SELECT k.*, v.* FROM "
                        + keys(t) + " k JOIN (SELECT v.i, v.hlc, CAST(v.origin AS uuid) AS origin, CAST(v.otx AS xid8)"
                        + " AS otx, v.seq, CAST(v.cv AS jsonb) AS cv, v.phlc, CAST(v.porigin AS uuid) AS porigin, v.hash"
                        + " FROM unnest(CAST(:i AS int[]), CAST(:hlc AS bigint[]), CAST(:origin AS text[]),"
                        + " CAST(:otx AS text[]), CAST(:seq AS bigint[]), CAST(:cv AS text[]), CAST(:phlc AS bigint[]),"
                        + " CAST(:porigin AS text[]), CAST(:hash AS bigint[])) v(i, hlc, origin, otx, seq, cv, phlc,"
                        + " porigin, hash)) v ON v.i = k._ps_i) u WHERE " + t.pkJoin("m", "u")
                        + " AND m._hlc = u.phlc AND m._origin = u.porigin AND NOT m._deleted"), t, rows)
                .bindArray("hlc", Long.class, rows.stream().map(r -> r.change().hlc()).toArray())
                .bindArray("origin", String.class, rows.stream().map(r -> r.change().origin().toString()).toArray())
                .bindArray("otx", String.class, rows.stream().map(r -> r.change().originTx() > 0
                        ? Long.toString(r.change().originTx()) : null).toArray())
                .bindArray("seq", Long.class, seqs.toArray())
                .bindArray("cv", String.class, rows.stream().map(Row::columns).toArray())
                .bindArray("phlc", Long.class, rows.stream().map(r -> r.change().previous().hlc()).toArray())
                .bindArray("porigin", String.class, rows.stream().map(r -> r.change().previous().node().toString())
                        .toArray())
                .bindArray("hash", Long.class, hashes.toArray())
                .execute();
        if (recorded != rows.size()) {
            throw new BulkCopy.NotNew(recorded + " of " + rows.size() + " metadata rows of " + t.name() + " recorded");
        }
        return seq;
    }
}
