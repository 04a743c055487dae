package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.store.ApplyResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * Loads a snapshot page inside the caller's transaction. When every row is new here, {@link PageCopy} writes the table's
 * rows and their metadata with one COPY each. Plain inserts, not upserts: a key that is already here (a local write,
 * another peer's batch), a row whose parent is not here (written on the peer after its parent table's pages were
 * read) or a version ahead of our clock fails that path, and the page is staged (COPY into a temporary table) and goes
 * through the merge rule instead, row by row like a feed batch (skip, win or park). Only a page that is not what it
 * claims to be is refused.
 */
final class SnapshotLoader {
    private static final Logger log = LoggerFactory.getLogger(SnapshotLoader.class);
    private static final String META_COLUMNS = "_ps_pk, _ps_hlc, _ps_origin, _ps_deleted, _ps_live, _ps_hash, _ps_cv";

    private final String s;
    private final Applier applier;
    private final PageCopy pageCopy;

    SnapshotLoader(String schema, long maxOffsetMillis, int bucketCount, Applier applier) {
        this.s = Sql.ident(schema);
        this.applier = applier;
        this.pageCopy = new PageCopy(s, maxOffsetMillis, bucketCount);
    }

    /**
     * Loads {@code page}; the caller holds the {@link ApplyGate} in a page load's mode (other pages may load
     * meanwhile, no apply: the classification of a concurrent batch must see these rows or wait). With {@code
     * keepStaged}, the page is left in {@link #staging} whichever way it was loaded, for the caller's later statements.
     */
    ApplyResult load(Handle h, PgTable t, NodeId peer, SnapshotPage page, boolean keepStaged) {
        if (page.rows() == 0) {
            return ApplyResult.empty();
        }
        h.execute(Sql.TRANSACTION_SETTINGS);
        h.savepoint("peersync_snapshot");
        try {
            int loaded = pageCopy.load(h, t, peer, page);
            h.releaseSavepoint("peersync_snapshot");
            if (keepStaged) {
                stage(h, t, page);
            }
            return new ApplyResult(loaded, 0, 0, Map.of(t.name(), loaded), List.of());
        } catch (StatementException | BulkCopy.NotNew e) {
            // A key that is here already, a row whose parent is not, a version from the future: the merge rule
            // settles each row (skip, win, park) like a feed batch's.
            h.rollbackToSavepoint("peersync_snapshot");
            log.debug("Snapshot page of {} from {} merged by the merge rule: {}", t.name(), peer, e.getMessage());
        }
        stage(h, t, page);
        return applier.apply(h, asChanges(h, t, peer, staging(t)));
    }

    /** COPYs the page into {@link #staging}; refuses a page that is not what it claims to be. */
    private static void stage(Handle h, PgTable t, SnapshotPage page) {
        String staging = staging(t);
        h.execute("CREATE TEMP TABLE IF NOT EXISTS " + staging.substring("pg_temp.".length())
                + " ON COMMIT DELETE ROWS AS SELECT NULL::text AS _ps_pk, NULL::bigint AS _ps_hlc,"
                + " NULL::uuid AS _ps_origin, NULL::boolean AS _ps_deleted, NULL::boolean AS _ps_live,"
                + " NULL::bigint AS _ps_hash, NULL::jsonb AS _ps_cv, "
                + t.columnNames("x") + " FROM " + t.qualified() + " x WITH NO DATA; DELETE FROM " + staging);
        long copied = copyIn(h, "COPY " + staging + " (" + META_COLUMNS + ", " + t.columnNames("") + ") FROM STDIN",
                page.copy());
        if (copied != page.rows()) {
            throw new IllegalArgumentException("a snapshot page of " + t.name() + " announced " + page.rows()
                    + " rows but holds " + copied + "; nothing was loaded");
        }
    }

    /** The staging table of a table's pages, which holds the page loaded last until the transaction ends. */
    static String staging(PgTable t) {
        return "pg_temp." + Sql.ident("peersync_snap_" + t.metaName());
    }

    /**
     * The staged page as feed rows (the data as the feed's JSON), for the merge rule. A row is derived where the peer's
     * stored hash is its version's hash with the mark flipped.
     */
    private List<Incoming> asChanges(Handle h, PgTable t, NodeId peer, String staging) {
        String marked = Derived.hash(s, "st._ps_pk", "st._ps_hlc", "st._ps_origin", "false", "true",
                s + ".cv_normal(st._ps_cv, st._ps_hlc, st._ps_origin, false)");
        return h.createQuery("SELECT st._ps_pk, st._ps_hlc, st._ps_origin, st._ps_deleted,"
                        + " NOT st._ps_deleted AND st._ps_hash = " + marked + ","
                        + " CASE WHEN st._ps_deleted THEN NULL ELSE (to_jsonb(st) - ARRAY['_ps_pk', '_ps_hlc',"
                        + " '_ps_origin', '_ps_deleted', '_ps_live', '_ps_hash', '_ps_cv'])::text END AS data,"
                        + " st._ps_cv::text"
                        + " FROM " + staging + " st WHERE st._ps_deleted OR st._ps_live")
                .map((rs, ctx) -> new Incoming(new RowChange(t.name(), rs.getString(1), rs.getLong(2),
                        new NodeId(rs.getObject(3, UUID.class)), rs.getBoolean(4), rs.getString(6), rs.getBoolean(5),
                        0, rs.getString(7)), peer))
                .list();
    }

    private static long copyIn(Handle h, String sql, byte[] text) {
        try {
            return h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(text));
        } catch (SQLException | IOException e) {
            throw new IllegalArgumentException("a snapshot page could not be read: " + e.getMessage()
                    + "; nothing was loaded", e);
        }
    }
}
