package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import org.jdbi.v3.core.Handle;

/**
 * The joining side of the gc_grace rule ({@link TombstoneCollector}): after a page of a rejoin snapshot is loaded, the
 * keys held here in the page's key range that the page lacks are stale when the peer may have deleted them and
 * collected the tombstone. Such a key is dropped here, without a tombstone of ours, when its version is below the
 * page's collection horizon and the peer had it: a version of another origin (the peer, in touch with its origin all
 * along, held it), or one of ours that the peer pulled (visible in its acknowledgement of our feed). A version of ours
 * the peer never pulled is a write made while away: it stays and reaches the peer by the feed. Rows of child tables
 * that reference a dropped row go by their foreign keys' ON DELETE action, as on the peer.
 */
final class StaleRows {
    private final String s;
    private final NodeId self;

    StaleRows(String quotedSchema, NodeId self) {
        this.s = quotedSchema;
        this.self = self;
    }

    /**
     * Drops the stale keys of {@code t} after {@code afterPk} (empty: from the start) up to {@code lastPk} (empty: to
     * the end), given the page staged in {@code staging} (null: the page was empty); returns how many.
     */
    int drop(Handle h, PgTable t, NodeId peer, String staging, String afterPk, String lastPk, long horizon) {
        if (horizon <= 0) {
            return 0; // the peer never collected a tombstone of this table: nothing can have come back from the dead
        }
        StringBuilder where = new StringBuilder("m._hlc < :horizon");
        if (!afterPk.isEmpty()) {
            where.append(" AND (").append(t.pkList("m")).append(") > (SELECT ").append(t.pkList("k")).append(" FROM ")
                    .append(t.pkColumns("CAST(:after AS jsonb)")).append(" k)");
        }
        if (!lastPk.isEmpty()) {
            where.append(" AND (").append(t.pkList("m")).append(") <= (SELECT ").append(t.pkList("k")).append(" FROM ")
                    .append(t.pkColumns("CAST(:last AS jsonb)")).append(" k)");
        }
        if (staging != null) {
            where.append(" AND NOT EXISTS (SELECT 1 FROM ").append(staging).append(" st WHERE ")
                    .append(t.pkJoin("st", "m")).append(')');
        }
        where.append(" AND (m._origin <> :self OR coalesce(pg_visible_in_snapshot(m._tx, (SELECT a.acked FROM ")
                .append(s).append(".peer_ack a WHERE a.peer = :peer AND a.tbl = :t)), false))");
        String stale = "pg_temp.peersync_stale";
        h.execute("DROP TABLE IF EXISTS " + stale);
        var create = h.createUpdate("CREATE TEMP TABLE peersync_stale ON COMMIT DROP AS SELECT " + t.pkList("m")
                        + " FROM " + t.meta() + " m WHERE " + where)
                .bind("horizon", horizon).bind("self", self.value()).bind("peer", peer.value()).bind("t", t.name());
        if (!afterPk.isEmpty()) {
            create.bind("after", afterPk);
        }
        if (!lastPk.isEmpty()) {
            create.bind("last", lastPk);
        }
        create.execute();
        // Told to the capture trigger like an applied truncation: these deletions make no tombstone of ours.
        CaptureSql.uncaptured(h, t.name());
        h.execute("DELETE FROM " + t.qualified() + " x USING " + stale + " st WHERE " + t.pkJoin("x", "st"));
        CaptureSql.uncaptured(h, "");
        return h.createUpdate("DELETE FROM " + t.meta() + " m USING " + stale + " st WHERE " + t.pkJoin("m", "st"))
                .execute();
    }
}
