package dev.peersync.core.spi;

import java.util.List;

/**
 * A bounded slice of a node's change feed.
 *
 * @param changes    rows in apply order (the puller still orders by foreign keys before applying)
 * @param nextCursor opaque cursor to store with the applied batch and send in the next pull
 * @param hasMore    true when the server already knows more rows are waiting after {@code nextCursor}
 */
public record ChangeBatch(List<RowChange> changes, String nextCursor, boolean hasMore) {
    public ChangeBatch {
        changes = List.copyOf(changes);
    }
}
