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
 */
public record ChangeBatch(List<RowChange> changes, String nextCursor, boolean hasMore, boolean midTransaction) {
    public ChangeBatch {
        changes = List.copyOf(changes);
        hasMore = hasMore || midTransaction;
    }

    public ChangeBatch(List<RowChange> changes, String nextCursor, boolean hasMore) {
        this(changes, nextCursor, hasMore, false);
    }
}
