package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import java.time.Duration;
import java.util.List;

/** A consistent-enough snapshot of the engine for status endpoints and dashboards. */
public record EngineStatus(NodeId nodeId, String nodeName, boolean enabled, Duration syncInterval,
                           List<PeerSyncStatus> peers, List<TableSyncStatus> tables, long rounds, long conflicts,
                           long parkedRows, long rowsApplied, long rowsServed) {
}
