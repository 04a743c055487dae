package dev.peersync.core.event;

import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.peer.PeerStateChange;
import java.time.Instant;

/** Something the sync engine did that operators may want to see: turned into WebSocket events and metrics. */
public sealed interface SyncEvent {

    Instant at();

    /** Rows of a table pulled from a peer and applied in one batch. */
    record TableSynced(Instant at, NodeId peer, String table, int count) implements SyncEvent {
    }

    /**
     * A conflict was resolved and recorded in the conflict log: two writes of one row where neither had seen the other
     * ({@code update_update}, {@code update_delete}, {@code insert_insert}), or a {@code unique_collision},
     * {@code fk_orphan} or {@code clock_skew}. {@code winner} is the version kept ({@code resolution} says how:
     * {@code incoming_won}, {@code local_kept}, {@code merged}, {@code renamed}, {@code parked}, ...).
     */
    record ConflictResolved(Instant at, String table, String pk, Version winner, Version loser, String type,
                            String resolution) implements SyncEvent {
    }

    /**
     * How many conflicts of one table and type an apply recorded in the conflict log: every one, where the
     * {@link ConflictResolved} events of one apply are capped. What the conflict counters and metrics count.
     */
    record ConflictsLogged(Instant at, String table, String type, int count) implements SyncEvent {
    }

    /** A row from a peer could not be applied (missing parent, unique collision) and waits to be retried. */
    record RowParked(Instant at, NodeId peer, String table, String pk, String reason) implements SyncEvent {
    }

    /** A parked row was applied (or superseded) and left the parking table. */
    record RowUnparked(Instant at, String table, String pk) implements SyncEvent {
    }

    /**
     * A parked row was dropped unapplied: its peer had more rows of its table parked than the cap
     * ({@code StoreSettings.maxParkedPerPeerTable}), and it was the oldest. Anti-entropy brings it back if it still
     * matters (its parent arrived, its peer still holds it).
     */
    record ParkedRowExpired(Instant at, NodeId peer, String table, String pk, String reason) implements SyncEvent {
    }

    /** A peer's health changed. */
    record PeerChanged(Instant at, PeerStateChange change) implements SyncEvent {
    }

    /** A peer sent versions further ahead of our clock than allowed (milliseconds ahead). */
    record ClockSkewDetected(Instant at, NodeId peer, long aheadMillis, String action) implements SyncEvent {
    }

    /**
     * Progress of long work with a peer (a snapshot join, a catch-up through its feed): sent every second while it
     * runs and once when it ends ({@code done}). Rows done and the total, in all and per table.
     */
    record ProgressReported(Instant at, dev.peersync.core.engine.JoinProgress progress) implements SyncEvent {
    }

    /** One pull round with a peer ended: rows and batches applied, how long it took, and its error or null. */
    record SyncRoundCompleted(Instant at, NodeId peer, int rowsApplied, int batches, long durationMillis,
                              String error) implements SyncEvent {
    }
}
