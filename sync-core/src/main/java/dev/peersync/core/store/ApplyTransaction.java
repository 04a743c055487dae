package dev.peersync.core.store;

import dev.peersync.core.spi.RowChange;
import java.util.List;

/**
 * One database transaction that applies several feed batches of one peer: a source transaction larger than a batch
 * becomes visible on this node all at once, while each batch is applied and released in turn (memory stays bounded
 * by the batch). Nothing is visible to other readers before {@link #commit}; {@link #close} without a commit rolls
 * everything back, the cursor included.
 */
public interface ApplyTransaction extends AutoCloseable {

    /** Applies one batch with the same rules as {@link SyncStore#applyBatch}; the events are valid once committed. */
    ApplyResult apply(List<RowChange> changes);

    /** Stores {@code nextCursor} for the peer and commits everything applied. */
    void commit(String nextCursor);

    /** Rolls back unless committed. */
    @Override
    void close();
}
