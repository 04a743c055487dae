package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feed's side of the gc_grace rule ({@link TombstoneCollector}): a peer marked expired is refused until it sends
 * a cursor this node handed it after the expiry (a snapshot's or a pull's, with a valid receipt), which proves it
 * rejoined by snapshot; then the mark goes and it pulls as before.
 */
final class PeerExpiry {
    private static final Logger log = LoggerFactory.getLogger(PeerExpiry.class);

    private final String s;

    PeerExpiry(String quotedSchema) {
        this.s = quotedSchema;
    }

    /**
     * True when {@code requester} must rejoin by snapshot before pulling: it is marked expired and {@code from} (the
     * snapshot of a cursor with a valid receipt, or null) was taken before the mark.
     */
    boolean refuses(Handle h, NodeId requester, String from) {
        // One statement (a pull's round trips add up in the latency): the statement's snapshot sees the mark even when
        // its DELETE removes it, so a removal says "rejoined" and the mark alone "expired".
        record Gate(boolean rejoined, boolean expired) {
        }
        Gate gate = h.createQuery("WITH rejoined AS (DELETE FROM " + s + ".peer_expired WHERE peer = :p"
                        + " AND pg_visible_in_snapshot(expired_xid, CAST(:from AS pg_snapshot)) RETURNING 1)"
                        + " SELECT EXISTS (SELECT 1 FROM rejoined) AS rejoined,"
                        + " " + expired() + " AS expired")
                .bind("p", requester.value()).bind("from", from)
                .map((rs, ctx) -> new Gate(rs.getBoolean("rejoined"), rs.getBoolean("expired"))).one();
        if (gate.rejoined()) {
            log.info("Peer {} rejoined by snapshot: its pulls are served again", requester);
            return false;
        }
        return gate.expired();
    }

    boolean isExpired(Handle h, NodeId peer) {
        return h.createQuery("SELECT " + expired()).bind("p", peer.value()).mapTo(Boolean.class).one();
    }

    /** SQL: the peer bound as {@code :p} is marked expired. */
    private String expired() {
        return "EXISTS (SELECT 1 FROM " + s + ".peer_expired WHERE peer = :p)";
    }
}
