package dev.peersync.core.engine;

import java.time.Instant;

/** Per-table sync counters of this node since start. */
public record TableSyncStatus(String table, long rowsApplied, long rowsServed, Instant lastAppliedAt) {
}
