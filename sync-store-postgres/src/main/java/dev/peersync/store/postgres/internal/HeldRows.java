package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.OriginCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Splits a batch pulled from one peer into the rows this node already holds from their origin's own feed and the
 * rest. A relayed row (its origin is not the peer) is held when our cursor on its origin's feed, read in the apply's
 * transaction, has passed its origin transaction ({@link FeedCursor#holds(long, long)}): the row, or a newer version
 * of its key, came from the origin. Such rows are dropped before any database work and counted as skipped. The peer
 * already leaves out what our cursors held when we asked ({@code PullRequest.heldCursors}); this catches what an
 * apply of the origin's feed committed while the batch was on its way.
 */
record HeldRows(List<Incoming> notHeld, Map<NodeId, Long> heldByOrigin) {

    static HeldRows read(Handle h, String schema, NodeId peer, List<Incoming> rows) {
        List<UUID> origins = rows.stream().map(r -> r.change().origin()).filter(o -> !o.equals(peer)).distinct().map(NodeId::value).toList();
        if (origins.isEmpty()) {
            return new HeldRows(rows, Map.of());
        }
        Map<NodeId, FeedCursor> cursors = new HashMap<>();
        h.createQuery("SELECT peer, cursor FROM " + schema + ".peer_cursor WHERE peer = ANY(:origins) AND holds"
                + " AND cursor <> ''")
                .bindArray("origins", UUID.class, origins.toArray())
                .map((rs, ctx) -> FeedCursor.parseAny(rs.getString("cursor")))
                .forEach(c -> cursors.put(c.node(), c));
        if (cursors.isEmpty()) {
            return new HeldRows(rows, Map.of());
        }
        List<Incoming> notHeld = new ArrayList<>(rows.size());
        Map<NodeId, Long> held = new HashMap<>();
        for (Incoming r : rows) {
            FeedCursor cursor = cursors.get(r.change().origin());
            if (cursor != null && cursor.holds(r.change().originTx(), r.change().hlc())) {
                held.merge(r.change().origin(), 1L, Long::sum);
            } else {
                notHeld.add(r);
            }
        }
        return new HeldRows(notHeld, held);
    }

    /** The apply's result with the held rows counted as received and skipped. */
    ApplyResult countedWith(ApplyResult applied) {
        if (heldByOrigin.isEmpty()) {
            return applied;
        }
        Map<NodeId, OriginCounts> perOrigin = new HashMap<>(applied.perOrigin());
        heldByOrigin.forEach((origin, n) -> perOrigin.merge(origin, new OriginCounts(n, 0, n, 0), OriginCounts::plus));
        long skipped = heldByOrigin.values().stream().mapToLong(Long::longValue).sum();
        return new ApplyResult(applied.applied(), applied.skipped() + (int) skipped, applied.parked(),
                applied.appliedPerTable(), applied.events(), perOrigin, applied.conflicts());
    }
}
