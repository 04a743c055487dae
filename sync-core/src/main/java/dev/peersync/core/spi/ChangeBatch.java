package dev.peersync.core.spi;

import java.util.List;

/**
 * A bounded slice of a node's change feed.
 *
 * @param changes    rows in apply order (the puller still orders by foreign keys before applying)
 * @param nextCursor opaque cursor to store with the applied batch and send in the next pull
 * @param hasMore    true when the server already knows more rows are waiting after {@code nextCursor}
 * @param midTransaction true when the next row of the feed belongs to the same source transaction as the last row
 *                   of this batch: the puller applies the following batches in the same database transaction, so a
 *                   source transaction becomes visible all at once
 * @param rejoin     true when the server refused the cursor: the puller was away longer than the server's tombstone
 *                   retention, so deletes it never pulled may be gone from the feed; it must rejoin by snapshot
 *                   (the gc_grace rule) before it pulls again. No changes then.
 * @param remaining  when the pull asked for it ({@link PullRequest#estimate()}): rows still waiting after this batch,
 *                   per table (an estimate: rows the puller already holds from their origin may be among them);
 *                   empty otherwise
 * @param rewound    true when the server's feed is behind the puller's cursor (the server's database went back in
 *                   time: restored from a base backup): the cursor was replaced by {@code nextCursor}, the server's
 *                   position when it started, and the puller compares tables with the server (anti-entropy) for
 *                   what the two timelines wrote under the same transaction ids. No changes then.
 */
public record ChangeBatch(List<RowChange> changes, String nextCursor, boolean hasMore, boolean midTransaction,
                          boolean rejoin, java.util.Map<String, Long> remaining, boolean rewound) {
    public ChangeBatch {
        changes = List.copyOf(changes);
        remaining = remaining == null ? java.util.Map.of() : java.util.Map.copyOf(remaining);
        hasMore = !rejoin && (hasMore || midTransaction);
        if ((rejoin || rewound) && !changes.isEmpty()) {
            throw new IllegalArgumentException("a refused pull carries no changes");
        }
    }

    public ChangeBatch(List<RowChange> changes, String nextCursor, boolean hasMore, boolean midTransaction) {
        this(changes, nextCursor, hasMore, midTransaction, false, null, false);
    }

    public ChangeBatch(List<RowChange> changes, String nextCursor, boolean hasMore) {
        this(changes, nextCursor, hasMore, false, false, null, false);
    }

    /** This batch with the estimate of the rows still waiting. */
    public ChangeBatch withRemaining(java.util.Map<String, Long> estimate) {
        return new ChangeBatch(changes, nextCursor, hasMore, midTransaction, rejoin, estimate, rewound);
    }

    /** The answer to a puller that must rejoin by snapshot: its cursor is handed back unchanged. */
    public static ChangeBatch rejoinBySnapshot(String cursor) {
        return new ChangeBatch(List.of(), cursor, false, false, true, null, false);
    }

    /** The answer to a puller whose cursor is ahead of the server's feed: follow it from {@code cursor} instead. */
    public static ChangeBatch rewoundTo(String cursor) {
        return new ChangeBatch(List.of(), cursor, false, false, false, null, true);
    }
}
