package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.SyncException;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.ApplyTransaction;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** {@link ApplyTransaction} on one open handle: each batch applied in turn, the cursor stored with the commit. */
final class PgApplyTransaction implements ApplyTransaction {

    /** Applies one batch in the open transaction. */
    interface BatchApply {
        ApplyResult apply(Handle h, List<RowChange> changes);
    }

    interface CursorStore {
        void store(Handle h, String cursor);
    }

    private final Handle h;
    private final NodeId peer;
    private final BatchApply batches;
    private final CursorStore cursors;
    private boolean done;

    private PgApplyTransaction(Handle h, NodeId peer, BatchApply batches, CursorStore cursors) {
        this.h = h;
        this.peer = peer;
        this.batches = batches;
        this.cursors = cursors;
    }

    static PgApplyTransaction open(Jdbi jdbi, NodeId peer, BatchApply batches, CursorStore cursors) {
        Handle h = jdbi.open();
        try {
            h.begin();
        } catch (RuntimeException e) {
            h.close();
            throw new SyncException("Could not begin an apply from " + peer + ": " + e.getMessage(), e);
        }
        return new PgApplyTransaction(h, peer, batches, cursors);
    }

    @Override
    public ApplyResult apply(List<RowChange> changes) {
        Objects.requireNonNull(changes, "changes");
        return inOpenTransaction("apply a batch from " + peer, () -> batches.apply(h, changes));
    }

    @Override
    public void commit(String nextCursor) {
        Objects.requireNonNull(nextCursor, "nextCursor");
        inOpenTransaction("commit an apply from " + peer, () -> {
            cursors.store(h, nextCursor);
            h.commit();
            return null;
        });
        done = true;
    }

    @Override
    public void close() {
        try {
            if (!done && h.isInTransaction()) {
                h.rollback();
            }
        } finally {
            h.close();
        }
    }

    private <T> T inOpenTransaction(String what, Supplier<T> work) {
        if (done) {
            throw new IllegalStateException("the apply transaction is already committed");
        }
        try {
            return work.get();
        } catch (JdbiException e) {
            throw new SyncException("Could not " + what + ": " + e.getMessage()
                    + " (the transaction will be rolled back; nothing was changed)", e);
        }
    }
}
