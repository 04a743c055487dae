package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.store.ApplyResult;
import java.io.IOException;
import java.io.StringReader;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import dev.peersync.core.spi.RowChange;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a snapshot page inside the caller's transaction: COPY into a staging table, then, when every row is new
 * here, one plain INSERT into the table (the capture trigger told to leave it alone) and one into its metadata with
 * the page's versions. Plain inserts, not upserts: a key that is already here (a local write, another peer's batch),
 * a row whose parent is not here (written on the peer after its parent table's pages were read) or a version
 * ahead of our clock fails that statement, and the page goes through the merge rule instead, row by row like a
 * feed batch (skip, win or park). Only a page that is not what it claims to be is refused.
 */
final class SnapshotLoader {
    private static final Logger log = LoggerFactory.getLogger(SnapshotLoader.class);
    private static final String META_COLUMNS = "_ps_pk, _ps_hlc, _ps_origin, _ps_deleted, _ps_live, _ps_derived, _ps_cv";

    private final String s;
    private final Locks locks;
    private final long maxOffsetMillis;
    private final int bucketCount;
    private final Applier applier;

    SnapshotLoader(String schema, Locks locks, long maxOffsetMillis, int bucketCount, Applier applier) {
        this.s = Sql.ident(schema);
        this.locks = locks;
        this.maxOffsetMillis = maxOffsetMillis;
        this.bucketCount = bucketCount;
        this.applier = applier;
    }

    ApplyResult load(Handle h, PgTable t, NodeId peer, SnapshotPage page) {
        if (page.rows() == 0) {
            return ApplyResult.empty();
        }
        String staging = staging(t);
        // Serialised with every apply: the classification of a concurrent batch must see these rows or wait.
        h.execute("SELECT pg_advisory_xact_lock(" + locks.apply() + "); " + Sql.TRANSACTION_SETTINGS + ";"
                + " CREATE TEMP TABLE IF NOT EXISTS " + staging.substring("pg_temp.".length())
                + " ON COMMIT DELETE ROWS AS SELECT NULL::text AS _ps_pk, NULL::bigint AS _ps_hlc,"
                + " NULL::uuid AS _ps_origin, NULL::boolean AS _ps_deleted, NULL::boolean AS _ps_live,"
                + " NULL::boolean AS _ps_derived, NULL::jsonb AS _ps_cv, "
                + t.columnNames("x") + " FROM " + t.qualified() + " x WITH NO DATA; DELETE FROM " + staging);
        long copied = copyIn(h, "COPY " + staging + " (" + META_COLUMNS + ", " + t.columnNames("") + ") FROM STDIN",
                page.copyText());
        if (copied != page.rows()) {
            throw new IllegalArgumentException("a snapshot page of " + t.name() + " announced " + page.rows()
                    + " rows but holds " + copied + "; nothing was loaded");
        }
        h.savepoint("peersync_snapshot");
        try {
            ApplyResult result = insertAsNew(h, t, peer, staging);
            h.releaseSavepoint("peersync_snapshot");
            return result;
        } catch (StatementException | NotNew e) {
            // A key that is here already, a row whose parent is not, a version from the future: the merge rule
            // settles each row (skip, win, park) like a feed batch's.
            h.rollbackToSavepoint("peersync_snapshot");
            log.debug("Snapshot page of {} from {} merged by the merge rule: {}", t.name(), peer, e.getMessage());
            return applier.apply(h, asChanges(h, t, peer, staging));
        }
    }

    /** The staging table of a table's pages, which holds the page loaded last until the transaction ends. */
    static String staging(PgTable t) {
        return "pg_temp." + Sql.ident("peersync_snap_" + t.metaName());
    }

    /** The fast path: every row new here, nothing ahead of our clock. Throws when that does not hold. */
    private ApplyResult insertAsNew(Handle h, PgTable t, NodeId peer, String staging) {
        long ahead = h.createQuery("SELECT coalesce((max(_ps_hlc) >> 16) - " + s + ".phys_ms(), 0) FROM " + staging)
                .mapTo(Long.class).one();
        if (ahead > maxOffsetMillis) {
            throw new NotNew("versions " + ahead + " ms ahead of our clock (max " + maxOffsetMillis + " ms)");
        }
        boolean truncated = h.createQuery("SELECT EXISTS (SELECT 1 FROM " + staging + " st JOIN " + s + ".truncations w"
                + " ON w.tbl = :t WHERE (st._ps_hlc, st._ps_origin) < (w.hlc, w.origin))").bind("t", t.name())
                .mapTo(Boolean.class).one();
        if (truncated) {
            throw new NotNew("versions below a truncation of " + t.name() + " held here");
        }
        h.createQuery("SELECT set_config('" + CaptureSql.SNAPSHOT_SETTING + "', :t, true)").bind("t", t.name())
                .mapTo(String.class).one();
        h.execute("INSERT INTO " + t.qualified() + " (" + t.columnNames("") + ")"
                + (t.identityAlways() ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + t.columnNames("st") + " FROM " + staging + " st WHERE st._ps_live AND NOT st._ps_deleted");
        h.execute("SELECT set_config('" + CaptureSql.SNAPSHOT_SETTING + "', '', true)");
        // The versions move our clock past them; local change numbers (the feed's order) come from the clock.
        long base = h.createQuery("SELECT " + s + ".hlc_reserve(1, max(_ps_hlc)), " + s + ".hlc_reserve(count(*))"
                + " FROM " + staging).map((rs, ctx) -> rs.getLong(2)).one();
        int loaded = h.createUpdate("INSERT INTO " + t.meta() + " (" + t.pkNames()
                + ", _hlc, _origin, _deleted, _tx, _seq, _bucket, _cv, _hash)"
                + " SELECT " + t.pkList("st") + ", st._ps_hlc, st._ps_origin, st._ps_deleted, pg_current_xact_id(),"
                + " :base + row_number() OVER () - 1, " + s + ".bucket_of(st._ps_key, :bc), st._ps_cvn,"
                + " " + Derived.hash(s, "st._ps_key", "st._ps_hlc", "st._ps_origin", "st._ps_deleted", "st._ps_derived",
                        "st._ps_cvn")
                // cv_normal is not inlined (it has a subquery): called only for the rows that list column versions.
                + " FROM (SELECT st.*, " + t.pkText("st") + " AS _ps_key, CASE WHEN st._ps_cv IS NULL THEN NULL ELSE "
                + s + ".cv_normal(st._ps_cv, st._ps_hlc, st._ps_origin, st._ps_deleted) END AS _ps_cvn FROM " + staging + " st"
                + " WHERE st._ps_deleted OR st._ps_live) st")
                .bind("base", base).bind("bc", bucketCount).execute();
        // Announced as rows from that peer: pushed to every other peer, not back to it.
        h.createQuery("SELECT pg_notify('" + PgCommitListener.CHANNEL + "', :cause)").bind("cause", peer.value().toString())
                .mapTo(String.class).list();
        return new ApplyResult(loaded, 0, 0, Map.of(t.name(), loaded), List.of());
    }

    /** The staged page as feed rows (the data as the feed's JSON), for the merge rule. */
    private static List<Incoming> asChanges(Handle h, PgTable t, NodeId peer, String staging) {
        return h.createQuery("SELECT st._ps_pk, st._ps_hlc, st._ps_origin, st._ps_deleted, st._ps_derived,"
                        + " CASE WHEN st._ps_deleted THEN NULL ELSE (to_jsonb(st) - ARRAY['_ps_pk', '_ps_hlc',"
                        + " '_ps_origin', '_ps_deleted', '_ps_live', '_ps_derived', '_ps_cv'])::text END AS data,"
                        + " st._ps_cv::text"
                        + " FROM " + staging + " st WHERE st._ps_deleted OR st._ps_live")
                .map((rs, ctx) -> new Incoming(new RowChange(t.name(), rs.getString(1), rs.getLong(2),
                        new NodeId(rs.getObject(3, UUID.class)), rs.getBoolean(4), rs.getString(6), rs.getBoolean(5),
                        0, rs.getString(7)), peer))
                .list();
    }

    /** The page cannot take the fast path. */
    private static final class NotNew extends RuntimeException {
        NotNew(String message) {
            super(message, null, false, false);
        }
    }

    private static long copyIn(Handle h, String sql, String text) {
        try {
            return h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(text));
        } catch (SQLException | IOException e) {
            throw new IllegalArgumentException("a snapshot page could not be read: " + e.getMessage()
                    + "; nothing was loaded", e);
        }
    }
}
