package dev.peersync.store.postgres.internal;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Tombstone collection and its gc_grace rule (as Cassandra's {@code gc_grace_seconds}). A tombstone older than the
 * retention goes once every peer that must hear of it has acknowledged it: every peer this node has ever synced with,
 * as persisted ({@code peer_ack}, {@code peer_cursor}), and the live ones. A peer that has not pulled (nor been pulled
 * from) for longer than the retention is absent: waiting for it would keep tombstones forever, so collection goes on
 * without it, and it is first marked expired ({@code peer_expired}, db/peersync/V2) when a tombstone it never pulled is about to go.
 * From then on the feed refuses its cursor ({@link PeerExpiry}) until it rejoins by snapshot, where the keys it holds
 * and the snapshot lacks below the collection horizon ({@code gc_horizon}) are dropped instead of coming back.
 *
 * <p>Contact times are written with the node's clock ({@code phys_ms()}, which includes the configured offset), so a
 * clock moved forward ages every contact at once: that is how the rule is tested without waiting for days.
 */
final class TombstoneCollector {
    private static final int BATCH = 10_000;

    private final String s;

    TombstoneCollector(String quotedSchema) {
        this.s = quotedSchema;
    }

    /** SQL for "now" on this node's clock, as written to the contact columns. */
    static String clockNow(String s) {
        return "to_timestamp(" + s + ".phys_ms() / 1000.0)";
    }

    /** Versions below this are old enough to collect. */
    long before(Handle h, Duration minAge) {
        return h.createQuery("SELECT (" + s + ".phys_ms() - :age) << 16").bind("age", minAge.toMillis())
                .mapTo(Long.class).one();
    }

    /** Persisted peers with no contact for longer than {@code limit}, not yet expired. */
    List<UUID> absent(Handle h, Duration limit) {
        return h.createQuery("SELECT c.peer FROM " + contacts() + " c WHERE c.last < " + clockNow(s)
                        + " - make_interval(secs => :limit) AND NOT EXISTS (SELECT 1 FROM " + s
                        + ".peer_expired e WHERE e.peer = c.peer)")
                .bind("limit", (double) limit.toSeconds()).mapTo(UUID.class).list();
    }

    /**
     * Marks expired the absent peers that never pulled a tombstone of {@code t} about to be collected; returns them.
     * Committed before any such tombstone goes, so the feed refuses those peers from then on.
     */
    List<UUID> expire(Handle h, PgTable t, List<UUID> live, List<UUID> absent, long before) {
        if (absent.isEmpty()) {
            return List.of();
        }
        return bind(h.createQuery("INSERT INTO " + s + ".peer_expired (peer, expired_xid, last_contact)"
                + " SELECT x.peer, pg_current_xact_id(), (SELECT c.last FROM " + contacts() + " c WHERE c.peer = x.peer)"
                + " FROM unnest(CAST(:absent AS uuid[])) AS x(peer)"
                + " WHERE EXISTS (SELECT 1 FROM " + t.meta() + " m WHERE " + collectible()
                + " AND NOT coalesce(pg_visible_in_snapshot(m._tx, (SELECT a.acked FROM " + s + ".peer_ack a"
                + " WHERE a.peer = x.peer AND a.tbl = :t)), false))"
                + " ON CONFLICT (peer) DO NOTHING RETURNING peer"), t, live, absent, before)
                .mapTo(UUID.class).list();
    }

    /** Deletes up to one batch of collectible tombstones of {@code t}, raising its horizon; returns how many. */
    int collectBatch(Handle h, PgTable t, List<UUID> live, List<UUID> absent, long before) {
        return bind(h.createQuery("WITH d AS (DELETE FROM " + t.meta() + " d WHERE d.ctid IN (SELECT m.ctid FROM "
                + t.meta() + " m WHERE " + collectible() + " LIMIT " + BATCH + ") RETURNING d._hlc),"
                + " g AS (INSERT INTO " + s + ".gc_horizon AS g (tbl, hlc) SELECT :t, max(d._hlc) + 1 FROM d"
                + " HAVING count(*) > 0 ON CONFLICT (tbl) DO UPDATE SET hlc = greatest(g.hlc, EXCLUDED.hlc))"
                + " SELECT count(*) FROM d"), t, live, absent, before).mapTo(Integer.class).one();
    }

    static int batchSize() {
        return BATCH;
    }

    /** The collection horizon of a table: 0 when nothing was collected. */
    long horizon(Handle h, String table) {
        return h.createQuery("SELECT hlc FROM " + s + ".gc_horizon WHERE tbl = :t").bind("t", table)
                .mapTo(Long.class).findOne().orElse(0L);
    }

    private static org.jdbi.v3.core.statement.Query bind(org.jdbi.v3.core.statement.Query q, PgTable t,
                                                        List<UUID> live, List<UUID> absent, long before) {
        return q.bind("t", t.name()).bind("before", before)
                .bindArray("live", UUID.class, live.toArray())
                .bindArray("absent", UUID.class, absent.toArray());
    }

    /** Last contact per persisted peer: its last acknowledged pull from us, or our last pull from it. */
    private String contacts() {
        return "(SELECT peer, max(updated_at) AS last FROM (SELECT peer, updated_at FROM " + s + ".peer_ack"
                + " UNION ALL SELECT peer, updated_at FROM " + s + ".peer_cursor) u GROUP BY peer)";
    }

    /**
     * A tombstone of metadata row {@code m} old enough and acknowledged by every peer that must hear of it: the live
     * ones and every persisted one, less the absent and the expired (bind {@code t}, {@code before}, {@code live},
     * {@code absent}).
     */
    private String collectible() {
        return "m._deleted AND m._hlc < :before AND NOT EXISTS (SELECT 1 FROM (SELECT unnest(CAST(:live AS uuid[]))"
                + " UNION SELECT peer FROM " + s + ".peer_ack UNION SELECT peer FROM " + s + ".peer_cursor"
                + " EXCEPT SELECT unnest(CAST(:absent AS uuid[])) EXCEPT SELECT peer FROM " + s + ".peer_expired)"
                + " AS p(peer) LEFT JOIN " + s + ".peer_ack a ON a.peer = p.peer AND a.tbl = :t"
                + " WHERE a.acked IS NULL OR NOT pg_visible_in_snapshot(m._tx, a.acked))";
    }
}
