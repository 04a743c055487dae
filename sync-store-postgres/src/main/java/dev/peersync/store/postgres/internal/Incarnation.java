package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * A new identity for the node of this database, succeeding the one it had (its predecessor).
 *
 * <p>Needed when the database was restored into another PostgreSQL cluster ({@code pg_dump}/{@code pg_restore}) or
 * copied to start another node (a clone). Peers' cursors on a node's feed are snapshots of its transaction ids, and a
 * new cluster hands out transaction ids again from a low value: under the old id, new writes would get ids that peers'
 * cursors have already passed, and peers (and relays, by their held cursors) would skip them. Under a new id no
 * cursor of the old feed applies: a peer follows the new id's feed from its current position and runs an
 * anti-entropy pass for what came before ({@code SnapshotJoin}), the versions the node writes from then on carry the
 * new id, and the rows of the old id are ordinary rows of another origin, so peers' feeds send this node its
 * predecessor's writes that the backup lacks, at once.
 *
 * <p>What the database keeps from its old cluster is made to mean the same in the new one: metadata rows whose
 * transaction id this cluster has not reached move to transaction 3 (visible in every snapshot: already delivered
 * before any cursor of the new feed), and what peers acknowledged of the old feed is forgotten, so no tombstone is
 * collected before they acknowledge the new one.
 */
final class Incarnation {
    /** FirstNormalTransactionId: below every snapshot's xmin, so visible in all of them. */
    private static final String BEFORE_EVERY_SNAPSHOT = "'3'::xid8";

    private Incarnation() {
    }

    /**
     * True when a metadata row or a recorded TRUNCATE carries a transaction id this PostgreSQL cluster has not handed
     * out yet: the database was restored into (or copied to) another cluster, whose transaction ids restart lower.
     */
    static boolean restoredIntoAnotherCluster(Handle h, String s, List<PgTable> tables) {
        StringBuilder newest = new StringBuilder("SELECT tx FROM " + s + ".truncations");
        for (PgTable t : tables) {
            if (exists(h, t.meta())) {
                newest.append(" UNION ALL (SELECT _tx FROM ").append(t.meta()).append(" ORDER BY _tx DESC LIMIT 1)");
            }
        }
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM (" + newest + ") x(tx)"
                + " WHERE tx >= pg_snapshot_xmax(pg_current_snapshot()))").mapTo(Boolean.class).one();
    }

    /** Gives the node a new id (its old one becomes its predecessor) and returns it. Runs under the install lock. */
    static NodeId begin(Handle h, String s, List<PgTable> tables) {
        String reached = h.createQuery("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").mapTo(String.class).one();
        for (PgTable t : tables) {
            if (exists(h, t.meta())) {
                h.createUpdate("UPDATE " + t.meta() + " SET _tx = " + BEFORE_EVERY_SNAPSHOT + " WHERE _tx >= :r::xid8")
                        .bind("r", reached).execute();
            }
        }
        h.createUpdate("UPDATE " + s + ".truncations SET tx = " + BEFORE_EVERY_SNAPSHOT + " WHERE tx >= :r::xid8")
                .bind("r", reached).execute();
        // A peer marked expired stays expired: it must still rejoin by a snapshot taken from now on.
        h.createUpdate("UPDATE " + s + ".peer_expired SET expired_xid = pg_current_xact_id() WHERE expired_xid >= :r::xid8")
                .bind("r", reached).execute();
        h.execute("UPDATE " + s + ".peer_ack SET acked = '1:1:'::pg_snapshot, updated_at = now()");
        UUID id = h.createQuery("UPDATE " + s + ".node SET predecessor = node_id, node_id = gen_random_uuid(),"
                + " incarnated_at = now() RETURNING node_id").mapTo(UUID.class).one();
        return new NodeId(id);
    }

    /** The id this node's database carried before its current one, if it ever changed. */
    static NodeId predecessor(Handle h, String s) {
        UUID id = h.createQuery("SELECT predecessor FROM " + s + ".node").mapTo(UUID.class).findOne().orElse(null);
        return id == null ? null : new NodeId(id);
    }

    private static boolean exists(Handle h, String qualified) {
        return h.createQuery("SELECT to_regclass(:m) IS NOT NULL").bind("m", qualified).mapTo(Boolean.class).one();
    }
}
