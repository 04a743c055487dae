package dev.peersync.core.internal.pg;

import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.OriginCounts;
import dev.peersync.core.spi.RowChange;
import java.io.IOException;
import java.io.StringReader;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies rows from peers inside the caller's transaction: last-writer-wins by (hlc, origin), set-based.
 *
 * <ol>
 *   <li>Load the rows into {@code pg_temp.peersync_incoming}; park versions too far ahead of our clock.</li>
 *   <li>Classify each row against the local metadata: {@code win} (strictly higher version) or {@code skip};
 *       keep only the highest version per key; move the local clock past every accepted version.</li>
 *   <li>Delete winning tombstones children first, upsert winning rows parents first, one statement per table,
 *       with the capture trigger told (transaction-local setting) to leave those rows to us.</li>
 *   <li>When a statement fails (missing parent, unique collision), redo that table row by row under
 *       savepoints; rows that still fail are parked with the reason. A unique collision between different keys
 *       is settled deterministically: the lower version keeps the value.</li>
 *   <li>Record the winners' metadata with their origin versions (so they enter the local feed: relay), park,
 *       and drop parked rows that are now superseded.</li>
 * </ol>
 */
final class Applier {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private static final int MAX_EVENTS = 1000;
    private static final String IN = "pg_temp.peersync_incoming";
    /** The incoming rows' data, apart: the classification updates the narrow rows of {@link #IN} in place. */
    private static final String DATA = "pg_temp.peersync_incoming_data";

    private final Map<String, PgTable> tables;
    private final List<PgTable> parentsFirst;
    private final String s;
    private final Locks locks;
    private final long maxOffsetMillis;
    private final int bucketCount;
    private final Clock clock;

    Applier(Map<String, PgTable> tables, List<PgTable> parentsFirst, String schema, Locks locks,
            long maxOffsetMillis, int bucketCount, Clock clock) {
        this.tables = tables;
        this.bucketCount = bucketCount;
        this.parentsFirst = parentsFirst;
        this.s = Sql.ident(schema);
        this.locks = locks;
        this.maxOffsetMillis = maxOffsetMillis;
        this.clock = clock;
    }

    /** Throws before anything is written when a row names a table that is not synced here. */
    void check(List<Incoming> rows) {
        for (Incoming r : rows) {
            if (!tables.containsKey(r.change().table())) {
                throw new IllegalArgumentException("row for a table that is not synced here: " + r.change().table()
                        + " (synced: " + tables.keySet() + "); nothing was applied");
            }
            if (r.change().pk() == null || r.change().origin() == null
                    || (!r.change().deleted() && r.change().data() == null)) {
                throw new IllegalArgumentException("row of " + r.change().table() + " has no key, origin or data: "
                        + r.change() + "; nothing was applied");
            }
        }
    }

    ApplyResult apply(Handle h, List<Incoming> rows) {
        if (rows.isEmpty()) {
            return ApplyResult.empty();
        }
        Run run = new Run(h);
        // Statements without results share a round trip: they add up for the one-row batches of live sync.
        h.execute("SELECT pg_advisory_xact_lock(" + locks.apply() + "); SET LOCAL timezone = 'UTC'; " + PREPARE);
        load(h, rows);
        run.parkSkewed();
        List<PgTable> present = present(rows);
        for (PgTable t : present) {
            run.classify(t);
        }
        run.dedupe();
        run.reportConflicts();
        h.execute("SELECT " + s + ".hlc_reserve(1, max(hlc)) FROM " + IN + " WHERE state IN ('win', 'skip') HAVING count(*) > 0");
        Map<String, Integer> wins = run.winCounts();
        for (int i = present.size() - 1; i >= 0; i--) {
            PgTable t = present.get(i);
            if (wins.getOrDefault(t.name() + "/d", 0) > 0) {
                run.write(t, true);
            }
        }
        for (PgTable t : present) {
            if (wins.getOrDefault(t.name() + "/u", 0) > 0) {
                run.write(t, false);
            }
        }
        Map<String, Integer> appliedPerTable = new LinkedHashMap<>();
        int applied = 0;
        for (PgTable t : present) {
            if (wins.getOrDefault(t.name() + "/d", 0) + wins.getOrDefault(t.name() + "/u", 0) == 0) {
                continue;
            }
            int n = run.recordMetadata(t);
            if (n > 0) {
                appliedPerTable.put(t.name(), n);
                applied += n;
            }
        }
        int parked = run.park();
        run.unparkSuperseded();
        Map<NodeId, OriginCounts> perOrigin = run.countByOrigin(rows);
        int skipped = (int) perOrigin.values().stream().mapToLong(OriginCounts::skipped).sum();
        if (applied > 0) {
            // The payload names the peer all the rows came from (the engine does not push them back to it);
            // rows from several peers (parked rows retried) are announced to everyone, like a local write.
            long peers = rows.stream().map(Incoming::peer).distinct().count();
            h.createQuery("SELECT pg_notify('peersync_changes', :cause)")
                    .bind("cause", peers == 1 ? rows.get(0).peer().value().toString() : "")
                    .mapTo(String.class).list();
        }
        return new ApplyResult(applied, skipped, parked, appliedPerTable, run.events, perOrigin);
    }

    /** The synced tables this batch has rows for, parents first. */
    private List<PgTable> present(List<Incoming> rows) {
        java.util.Set<String> names = new java.util.HashSet<>();
        rows.forEach(r -> names.add(r.change().table()));
        return parentsFirst.stream().filter(t -> names.contains(t.name())).toList();
    }

    /** The apply's temp tables: created once per connection, emptied at every commit and before every apply. */
    private static final String PREPARE =
            // Half-full pages: the classification's in-place updates stay on the page (HOT, no index entries).
            "CREATE TEMP TABLE IF NOT EXISTS peersync_incoming (ord int PRIMARY KEY, tbl text NOT NULL,"
                    + " pk text NOT NULL, hlc bigint NOT NULL, origin uuid NOT NULL,"
                    + " deleted boolean NOT NULL, peer uuid NOT NULL, state text NOT NULL DEFAULT 'new',"
                    + " reason text, local_hlc bigint, local_origin uuid, derived boolean NOT NULL DEFAULT false,"
                    + " otx xid8)"
                    + " WITH (fillfactor = 50) ON COMMIT DELETE ROWS;"
                    + " CREATE INDEX IF NOT EXISTS peersync_incoming_key ON pg_temp.peersync_incoming (tbl, pk);"
                    + " CREATE TEMP TABLE IF NOT EXISTS peersync_incoming_data (ord int PRIMARY KEY, data jsonb)"
                    + " ON COMMIT DELETE ROWS;"
                    + " DELETE FROM " + IN + "; DELETE FROM " + DATA;

    /** COPY is the fastest way in: the rows' versions into {@link #IN}, the live rows' data into {@link #DATA}. */
    private static void load(Handle h, List<Incoming> rows) {
        StringBuilder copy = new StringBuilder(rows.size() * 128);
        StringBuilder data = new StringBuilder(rows.size() * 512);
        for (int i = 0; i < rows.size(); i++) {
            RowChange c = rows.get(i).change();
            copy.append(i).append('\t');
            copyField(copy, c.table()).append('\t');
            copyField(copy, c.pk()).append('\t');
            copy.append(c.hlc()).append('\t').append(c.origin()).append('\t').append(c.deleted()).append('\t');
            copy.append(rows.get(i).peer()).append('\t').append(c.derived()).append('\t');
            if (c.originTx() > 0) {
                copy.append(c.originTx()).append('\n');
            } else {
                copy.append("\\N\n");
            }
            if (!c.deleted()) {
                copyField(data.append(i).append('\t'), c.data()).append('\n');
            }
        }
        try {
            CopyManager copyManager = h.getConnection().unwrap(PGConnection.class).getCopyAPI();
            copyManager.copyIn("COPY " + IN + " (ord, tbl, pk, hlc, origin, deleted, peer, derived, otx) FROM STDIN",
                    new StringReader(copy.toString()));
            copyManager.copyIn("COPY " + DATA + " (ord, data) FROM STDIN", new StringReader(data.toString()));
        } catch (SQLException | IOException e) {
            throw new IllegalArgumentException("rows could not be read (bad key or data JSON?): " + e.getMessage()
                    + "; nothing was applied", e);
        }
        // Keys are read as JSON arrays by every later statement: a bad one fails here, before anything is written.
        long badKeys;
        try {
            badKeys = h.createQuery("SELECT count(*) FROM " + IN + " WHERE jsonb_typeof(pk::jsonb) <> 'array'")
                    .mapTo(Long.class).one();
        } catch (StatementException e) {
            throw new IllegalArgumentException("rows could not be read (bad key JSON?): " + e.getMessage()
                    + "; nothing was applied", e);
        }
        if (badKeys > 0) {
            throw new IllegalArgumentException(badKeys + " row(s) have a key that is not a JSON array of key values;"
                    + " nothing was applied");
        }
        // Statistics for the join columns only: the planner must know the batch is not empty.
        h.execute("ANALYZE " + IN + " (ord, tbl, pk, state); ANALYZE " + DATA + " (ord)");
    }

    /** A value in COPY text format: backslash, tab, newline and carriage return escaped; null as \\N. */
    private static StringBuilder copyField(StringBuilder out, String value) {
        if (value == null) {
            return out.append("\\N");
        }
        int clean = 0;
        while (clean < value.length() && "\\\t\n\r".indexOf(value.charAt(clean)) < 0) {
            clean++;
        }
        out.append(value, 0, clean); // the usual case: nothing to escape, one bulk copy
        for (int i = clean; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
    }

    /** State of one apply: the handle and the events collected. */
    private final class Run {
        private final Handle h;
        private final List<SyncEvent> events = new ArrayList<>();

        Run(Handle h) {
            this.h = h;
        }

        private void event(SyncEvent e) {
            if (events.size() < MAX_EVENTS) {
                events.add(e);
            }
        }

        void parkSkewed() {
            List<Map<String, Object>> skewed = h.createQuery("WITH p AS (SELECT " + s + ".phys_ms() AS now_ms)"
                    + " UPDATE " + IN + " i SET state = 'parked', reason = 'clock_skew: ' || ((i.hlc >> 16) - p.now_ms)"
                    + " || ' ms ahead of our clock' FROM p WHERE i.state = 'new' AND (i.hlc >> 16) > p.now_ms + :max"
                    + " RETURNING i.peer, (i.hlc >> 16) - p.now_ms AS ahead")
                    .bind("max", maxOffsetMillis).mapToMap().list();
            Map<UUID, Long> aheadByPeer = new HashMap<>();
            for (Map<String, Object> r : skewed) {
                aheadByPeer.merge((UUID) r.get("peer"), ((Number) r.get("ahead")).longValue(), Math::max);
            }
            aheadByPeer.forEach((peer, ahead) -> {
                log.warn("Peer {} sent versions {} ms ahead of our clock (max {} ms): parked until our clock catches up",
                        peer, ahead, maxOffsetMillis);
                event(new SyncEvent.ClockSkewDetected(clock.instant(), new NodeId(peer), ahead, "parked"));
            });
        }

        /** Rows received, applied, skipped (same or newer version held) and parked, by origin. */
        Map<NodeId, OriginCounts> countByOrigin(List<Incoming> rows) {
            Map<UUID, Long> received = new HashMap<>();
            rows.forEach(r -> received.merge(r.change().origin().value(), 1L, Long::sum));
            Map<NodeId, OriginCounts> counts = new HashMap<>();
            h.createQuery("SELECT origin, count(*) FILTER (WHERE state = 'win') AS applied,"
                    + " count(*) FILTER (WHERE state IN ('skip', 'superseded')) AS skipped,"
                    + " count(*) FILTER (WHERE state = 'parked') AS parked FROM " + IN + " GROUP BY origin")
                    .mapToMap().forEach(r -> {
                        UUID origin = (UUID) r.get("origin");
                        counts.put(new NodeId(origin), new OriginCounts(received.getOrDefault(origin, 0L),
                                ((Number) r.get("applied")).longValue(), ((Number) r.get("skipped")).longValue(),
                                ((Number) r.get("parked")).longValue()));
                    });
            return counts;
        }

        /** Canonical key text, local version, and win/skip for the new rows of one table. */
        void classify(PgTable t) {
            // Keys in canonical form (the digests hash that text); a well-behaved peer already sends it, so this
            // rewrites nothing and the classification below leaves the indexed key column alone (HOT updates).
            h.createUpdate("UPDATE " + IN + " i SET pk = c.pkt FROM (SELECT i2.ord, " + t.pkText("k") + " AS pkt FROM "
                    + IN + " i2 CROSS JOIN LATERAL " + t.pkColumns("i2.pk::jsonb") + " k"
                    + " WHERE i2.tbl = :t AND i2.state = 'new') c WHERE i.ord = c.ord AND i.pk <> c.pkt")
                    .bind("t", t.name()).execute();
            // Lock the local rows first: a local writer then either committed before (and the next statement sees
            // its metadata) or waits for this apply; the decision below cannot be overtaken by a local write.
            // LATERAL: one index probe per incoming key, in key order. A plain join lets the planner pick a scan
            // of the whole table for every batch, which made catching up quadratic in the table's size.
            h.createQuery("SELECT 1 FROM (SELECT k.* FROM " + IN + " i2 CROSS JOIN LATERAL " + t.pkColumns("i2.pk::jsonb")
                    + " k WHERE i2.tbl = :t AND i2.state = 'new' ORDER BY " + t.pkList("k") + ") k CROSS JOIN LATERAL"
                    + " (SELECT 1 FROM " + t.qualified() + " x WHERE " + t.pkJoin("x", "k") + " FOR UPDATE) l")
                    .bind("t", t.name()).mapTo(Integer.class).list();
            h.createUpdate("UPDATE " + IN + " i SET local_hlc = c._hlc, local_origin = c._origin,"
                    + " state = CASE WHEN c._hlc IS NULL OR (c._hlc, c._origin) < (i.hlc, i.origin)"
                    // A derived (cascade) tombstone keeps the row's version: the live row of that same version
                    // beats it, so a child deleted only because its parent was deleted comes back when the
                    // parent's delete loses to a concurrent update, on every node alike.
                    + " OR ((c._hlc, c._origin) = (i.hlc, i.origin) AND c._deleted AND NOT i.deleted)"
                    // Likewise data derived by a SET NULL (marked in the stored hash): the row as written wins.
                    + " OR ((c._hlc, c._origin) = (i.hlc, i.origin) AND NOT c._deleted AND NOT i.deleted"
                    + " AND NOT i.derived AND c._hash <> " + s + ".row_hash(i.pk, i.hlc, i.origin, false))"
                    + " THEN 'win' ELSE 'skip' END"
                    + " FROM (SELECT i2.ord, m._hlc, m._origin, m._deleted, m._hash FROM "
                    + IN + " i2"
                    + " CROSS JOIN LATERAL " + t.pkColumns("i2.pk::jsonb") + " k"
                    + " LEFT JOIN LATERAL (SELECT m._hlc, m._origin, m._deleted, m._hash FROM " + t.meta() + " m WHERE "
                    + t.pkJoin("m", "k") + ") m ON true"
                    + " WHERE i2.tbl = :t AND i2.state = 'new') c WHERE i.ord = c.ord")
                    .bind("t", t.name()).execute();
        }

        /** The same key twice in one batch: only the highest version takes part. */
        void dedupe() {
            h.execute("DELETE FROM " + IN + " a USING " + IN + " b WHERE a.tbl = b.tbl AND a.pk = b.pk"
                    + " AND (a.hlc, a.origin, a.ord) < (b.hlc, b.origin, b.ord)");
        }

        /** Versions from different origins met: report which one won (same-origin supersession is replication). */
        void reportConflicts() {
            h.createQuery("SELECT tbl, pk, hlc, origin, local_hlc, local_origin, state FROM " + IN
                    + " WHERE local_origin IS NOT NULL AND local_origin <> origin AND state IN ('win', 'skip')"
                    + " ORDER BY ord LIMIT " + MAX_EVENTS)
                    .mapToMap().forEach(r -> {
                        Version incoming = new Version((Long) r.get("hlc"), new NodeId((UUID) r.get("origin")));
                        Version local = new Version((Long) r.get("local_hlc"), new NodeId((UUID) r.get("local_origin")));
                        boolean won = "win".equals(r.get("state"));
                        event(new SyncEvent.ConflictResolved(clock.instant(), (String) r.get("tbl"), (String) r.get("pk"),
                                won ? incoming : local, won ? local : incoming));
                    });
        }

        Map<String, Integer> winCounts() {
            Map<String, Integer> counts = new HashMap<>();
            h.createQuery("SELECT tbl || CASE WHEN deleted THEN '/d' ELSE '/u' END AS k, count(*)::int AS n FROM " + IN
                    + " WHERE state = 'win' GROUP BY 1").mapToMap()
                    .forEach(r -> counts.put((String) r.get("k"), (Integer) r.get("n")));
            return counts;
        }

        /** One set-based statement for the table; on an integrity error, row by row. */
        void write(PgTable t, boolean deletes) {
            String sql = deletes ? deleteSql(t, "") : upsertSql(t, "");
            h.savepoint("peersync_set");
            try {
                applying(t.name());
                h.execute(sql);
                applying("");
                h.releaseSavepoint("peersync_set");
            } catch (StatementException e) {
                if (rowProblem(e).isEmpty()) {
                    throw e;
                }
                h.rollbackToSavepoint("peersync_set"); // Jdbi forgets the savepoint after rolling back to it
                List<Integer> ords = h.createQuery("SELECT ord FROM " + IN
                        + " WHERE tbl = :t AND state = 'win' AND deleted = :d ORDER BY ord")
                        .bind("t", t.name()).bind("d", deletes).mapTo(Integer.class).list();
                for (int ord : ords) {
                    writeRow(t, deletes, ord);
                }
            }
        }

        private void writeRow(PgTable t, boolean deletes, int ord) {
            Optional<ServerErrorMessage> failure = tryStatement(t.name(),
                    deletes ? deleteSql(t, " AND i.ord = " + ord) : upsertSql(t, " AND i.ord = " + ord));
            if (failure.isEmpty()) {
                return;
            }
            ServerErrorMessage m = failure.get();
            if (!deletes && "23505".equals(m.getSQLState()) && m.getConstraint() != null) {
                settleUniqueCollision(t, ord, m.getConstraint());
            } else if (!deletes && "23503".equals(m.getSQLState()) && m.getConstraint() != null
                    && followDeletedParent(t, ord, m.getConstraint())) {
                return;
            } else {
                markParked(ord, reason(m));
            }
        }

        /** Runs one statement in a savepoint; the server's error when it failed on the row's data. */
        private Optional<ServerErrorMessage> tryStatement(String applyingTable, String sql) {
            h.savepoint("peersync_row");
            try {
                applying(applyingTable);
                h.execute(sql);
                applying("");
                h.releaseSavepoint("peersync_row");
                return Optional.empty();
            } catch (StatementException e) {
                Optional<ServerErrorMessage> problem = rowProblem(e);
                if (problem.isEmpty()) {
                    throw e;
                }
                h.rollbackToSavepoint("peersync_row"); // Jdbi forgets the savepoint after rolling back to it
                return problem;
            }
        }

        /**
         * The incoming row's unique value is held locally by a row with another key. The lower version keeps it:
         * either the local holder is deleted as a local write (its fresh tombstone then wins everywhere) and the
         * incoming row applied, or the incoming row is parked.
         */
        private void settleUniqueCollision(PgTable t, int ord, String constraint) {
            List<String> cols = h.createQuery("SELECT a.attname FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid"
                    + " CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)"
                    + " LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum"
                    + " WHERE ix.indrelid = CAST(:rel AS regclass) AND ic.relname = :c AND NOT ix.indisprimary ORDER BY k.n")
                    .bind("rel", t.qualified()).bind("c", constraint).mapTo(String.class).list();
            if (cols.isEmpty() || cols.contains(null)) {
                markParked(ord, "unique_violation on " + constraint + " (an expression index: not settled automatically)");
                return;
            }
            StringBuilder match = new StringBuilder();
            for (String col : cols) {
                match.append(" AND x.").append(Sql.ident(col)).append(" = r.").append(Sql.ident(col));
            }
            Map<String, Object> holder = h.createQuery("SELECT " + t.pkText("x") + " AS pk,"
                    + " coalesce(j.hlc, m._hlc) AS hlc, coalesce(j.origin, m._origin) AS origin, j.ord AS jord,"
                    + " i.hlc AS in_hlc, i.origin AS in_origin, i.pk AS in_pk"
                    + " FROM " + IN + " i JOIN " + DATA + " d ON d.ord = i.ord"
                    + " CROSS JOIN LATERAL jsonb_populate_record(null::" + t.qualified() + ", d.data) r"
                    + " JOIN " + t.qualified() + " x ON NOT (" + t.pkJoin("x", "r") + ")" + match
                    + " LEFT JOIN " + t.meta() + " m ON " + t.pkJoin("m", "x")
                    + " LEFT JOIN " + IN + " j ON j.tbl = i.tbl AND j.pk = " + t.pkText("x")
                    + " AND j.state = 'win' AND NOT j.deleted"
                    + " WHERE i.ord = :ord LIMIT 1").bind("ord", ord).mapToMap().findOne().orElse(null);
            if (holder == null || holder.get("hlc") == null) {
                markParked(ord, "unique_violation on " + constraint + " (holder not found)");
                return;
            }
            Version incoming = new Version((Long) holder.get("in_hlc"), new NodeId((UUID) holder.get("in_origin")));
            Version local = new Version((Long) holder.get("hlc"), new NodeId((UUID) holder.get("origin")));
            String holderPk = (String) holder.get("pk");
            String incomingPk = (String) holder.get("in_pk");
            if (local.compareTo(incoming) < 0) {
                markParked(ord, "unique_violation on " + constraint + ": the value is held by " + holderPk
                        + ", which has the earlier version");
                event(new SyncEvent.ConflictResolved(clock.instant(), t.name(), incomingPk, local, incoming));
                return;
            }
            // The incoming row has the earlier version: the holder gives the value up as a local delete.
            Optional<ServerErrorMessage> deleteFailure = tryStatement("", "DELETE FROM " + t.qualified() + " x USING "
                    + t.pkRecord(Sql.literal(holderPk) + "::jsonb") + " k WHERE " + t.pkJoin("x", "k"));
            if (deleteFailure.isPresent()) {
                markParked(ord, "unique_violation on " + constraint + ": the later holder " + holderPk
                        + " could not be deleted: " + reason(deleteFailure.get()));
                return;
            }
            if (holder.get("jord") != null) {
                h.execute("UPDATE " + IN + " SET state = 'superseded' WHERE ord = " + holder.get("jord"));
            }
            event(new SyncEvent.ConflictResolved(clock.instant(), t.name(), holderPk, incoming, local));
            Optional<ServerErrorMessage> again = tryStatement(t.name(), upsertSql(t, " AND i.ord = " + ord));
            again.ifPresent(m -> markParked(ord, reason(m)));
        }

        /**
         * The row references a parent that is a tombstone here: the node that had the row derived the key's ON DELETE
         * action when the parent was deleted, so do the same with the row's own version. SET NULL applies it with the
         * key's columns null; CASCADE keeps it as a tombstone. False (park) when the parent is simply not here yet,
         * or the action is NO ACTION, RESTRICT or SET DEFAULT.
         */
        private boolean followDeletedParent(PgTable t, int ord, String constraint) {
            PgTable.ForeignKey fk = t.foreignKeys().stream().filter(k -> k.name().equals(constraint)).findFirst()
                    .orElse(null);
            if (fk == null || fk.parentMeta() == null || (fk.onDelete() != 'n' && fk.onDelete() != 'c')) {
                return false;
            }
            boolean parentDeleted = h.createQuery("SELECT EXISTS (SELECT 1 FROM " + IN + " i JOIN " + DATA
                    + " d ON d.ord = i.ord CROSS JOIN LATERAL"
                    + " jsonb_populate_record(null::" + t.qualified() + ", d.data) r JOIN " + fk.parentMeta() + " p ON "
                    + fk.parentJoin("p", "r") + " WHERE i.ord = :ord AND p._deleted)")
                    .bind("ord", ord).mapTo(Boolean.class).one();
            if (!parentDeleted) {
                return false;
            }
            if (fk.onDelete() == 'n') {
                StringBuilder nulls = new StringBuilder();
                for (String c : fk.columns()) {
                    nulls.append(nulls.length() > 0 ? ", " : "").append(Sql.literal(c)).append(", null");
                }
                h.execute("UPDATE " + DATA + " SET data = data || jsonb_build_object(" + nulls + ") WHERE ord = " + ord
                        + "; UPDATE " + IN + " SET derived = true WHERE ord = " + ord);
                writeRow(t, false, ord); // another key of the row may still need its parent
                return true;
            }
            h.execute("UPDATE " + IN + " SET deleted = true WHERE ord = " + ord);
            h.execute("DELETE FROM " + DATA + " WHERE ord = " + ord);
            tryStatement(t.name(), deleteSql(t, " AND i.ord = " + ord)).ifPresent(m -> markParked(ord, reason(m)));
            return true;
        }

        private void markParked(int ord, String reason) {
            h.createUpdate("UPDATE " + IN + " SET state = 'parked', reason = :r WHERE ord = :ord")
                    .bind("r", reason).bind("ord", ord).execute();
        }

        /** The winners' metadata with their origin versions; they enter the local feed (relay). */
        int recordMetadata(PgTable t) {
            // Local change numbers (the feed's order inside a transaction) come from the clock: unique per node.
            long base = h.createQuery("SELECT " + s + ".hlc_reserve(count(*)) FROM " + IN
                    + " WHERE tbl = :t AND state = 'win'").bind("t", t.name()).mapTo(Long.class).one();
            return h.createUpdate("INSERT INTO " + t.meta() + " AS m (" + t.pkNames()
                    + ", _hlc, _origin, _deleted, _tx, _otx, _seq, _bucket, _hash)"
                    + " SELECT " + t.pkList("k") + ", i.hlc, i.origin, i.deleted, pg_current_xact_id(), i.otx,"
                    + " :base + row_number() OVER () - 1, " + s + ".bucket_of(i.pk, :bc), "
                    // Derived on the sender, or nulled here by a parent's delete: marked like a local SET NULL.
                    + Derived.hash(s, "i.pk", "i.hlc", "i.origin", "i.deleted", "i.derived")
                    + " FROM " + IN + " i CROSS JOIN LATERAL " + t.pkColumns("i.pk::jsonb") + " k"
                    + " WHERE i.tbl = :t AND i.state = 'win'"
                    + " ON CONFLICT (" + t.pkNames() + ") DO UPDATE SET _hlc = EXCLUDED._hlc, _origin = EXCLUDED._origin,"
                    + " _deleted = EXCLUDED._deleted, _tx = EXCLUDED._tx, _otx = EXCLUDED._otx, _seq = EXCLUDED._seq,"
                    + " _bucket = EXCLUDED._bucket, _hash = EXCLUDED._hash"
                    + " WHERE (m._hlc, m._origin) < (EXCLUDED._hlc, EXCLUDED._origin)"
                    + " OR ((m._hlc, m._origin) = (EXCLUDED._hlc, EXCLUDED._origin) AND NOT EXCLUDED._deleted"
                    + " AND (m._deleted OR m._hash <> EXCLUDED._hash))")
                    .bind("t", t.name()).bind("bc", bucketCount).bind("base", base).execute();
        }

        int park() {
            List<Map<String, Object>> parked = h.createQuery("INSERT INTO " + s + ".parked AS p"
                    + " (tbl, pk, hlc, origin, deleted, data, reason, peer)"
                    + " SELECT i.tbl, i.pk, i.hlc, i.origin, i.deleted, d.data, i.reason, i.peer FROM " + IN + " i"
                    + " LEFT JOIN " + DATA + " d ON d.ord = i.ord WHERE i.state = 'parked'"
                    + " ON CONFLICT (tbl, pk) DO UPDATE SET hlc = EXCLUDED.hlc, origin = EXCLUDED.origin,"
                    + " deleted = EXCLUDED.deleted, data = EXCLUDED.data, reason = EXCLUDED.reason, peer = EXCLUDED.peer,"
                    + " attempts = p.attempts + 1 WHERE (p.hlc, p.origin) <= (EXCLUDED.hlc, EXCLUDED.origin)"
                    + " RETURNING tbl, pk, reason, peer, attempts").mapToMap().list();
            int total = h.createQuery("SELECT count(*)::int FROM " + IN + " WHERE state = 'parked'")
                    .mapTo(Integer.class).one();
            for (Map<String, Object> r : parked) {
                if (((Integer) r.get("attempts")) == 1) {
                    log.info("Parked a row of {} with key {}: {}", r.get("tbl"), r.get("pk"), r.get("reason"));
                    event(new SyncEvent.RowParked(clock.instant(), new NodeId((UUID) r.get("peer")), (String) r.get("tbl"),
                            (String) r.get("pk"), (String) r.get("reason")));
                }
            }
            return total;
        }

        void unparkSuperseded() {
            h.createQuery("DELETE FROM " + s + ".parked p USING " + IN + " i WHERE p.tbl = i.tbl AND p.pk = i.pk AND ("
                    + "(i.state = 'win' AND (p.hlc, p.origin) <= (i.hlc, i.origin))"
                    + " OR (i.state = 'skip' AND (p.hlc, p.origin) <= (i.local_hlc, i.local_origin)))"
                    + " RETURNING p.tbl, p.pk").mapToMap()
                    .forEach(r -> event(new SyncEvent.RowUnparked(clock.instant(), (String) r.get("tbl"),
                            (String) r.get("pk"))));
        }

        private void applying(String table) {
            h.createQuery("SELECT set_config('" + CaptureSql.APPLYING_SETTING + "', :t, true)")
                    .bind("t", table).mapTo(String.class).one();
        }
    }

    private static String deleteSql(PgTable t, String extra) {
        return "DELETE FROM " + t.qualified() + " x USING (SELECT k.* FROM " + IN + " i CROSS JOIN LATERAL "
                + t.pkColumns("i.pk::jsonb") + " k WHERE i.tbl = " + Sql.literal(t.name())
                + " AND i.state = 'win' AND i.deleted" + extra + ") k WHERE " + t.pkJoin("x", "k");
    }

    private static String upsertSql(PgTable t, String extra) {
        List<PgTable.Column> nonKey = t.nonKeyColumns();
        String conflict = nonKey.isEmpty() ? " DO NOTHING" : " DO UPDATE SET " + String.join(", ",
                nonKey.stream().map(c -> c.quoted() + " = EXCLUDED." + c.quoted()).toList());
        return "INSERT INTO " + t.qualified() + " AS x (" + t.columnNames("") + ")"
                + (t.identityAlways() ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + t.columnNames("r") + " FROM " + IN + " i JOIN " + DATA + " d ON d.ord = i.ord"
                + " CROSS JOIN LATERAL jsonb_populate_record(null::" + t.qualified() + ", d.data) r WHERE i.tbl = " + Sql.literal(t.name())
                + " AND i.state = 'win' AND NOT i.deleted" + extra
                + " ON CONFLICT (" + t.pkNames() + ")" + conflict;
    }

    /** The server's error when a statement failed because of the rows' content (integrity, data, app trigger). */
    private static Optional<ServerErrorMessage> rowProblem(StatementException e) {
        if (e.getCause() instanceof PSQLException p && p.getServerErrorMessage() != null && p.getSQLState() != null) {
            String state = p.getSQLState();
            if (state.startsWith("23") || state.startsWith("22") || state.startsWith("P0")) {
                return Optional.of(p.getServerErrorMessage());
            }
        }
        return Optional.empty();
    }

    private static String reason(ServerErrorMessage m) {
        String name = switch (m.getSQLState()) {
            case "23503" -> "foreign_key_violation";
            case "23505" -> "unique_violation";
            case "23502" -> "not_null_violation";
            case "23514" -> "check_violation";
            default -> "sqlstate " + m.getSQLState();
        };
        return name + (m.getConstraint() != null ? " on " + m.getConstraint() : "") + ": " + m.getMessage()
                + (m.getDetail() != null ? " (" + m.getDetail() + ")" : "");
    }
}
