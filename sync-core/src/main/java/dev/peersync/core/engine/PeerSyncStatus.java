package dev.peersync.core.engine;

import dev.peersync.core.store.OriginCounts;
import java.util.Map;
import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerState;
import java.time.Instant;

/**
 * What this node knows of its sync with one peer.
 *
 * @param lagMillis       0 when caught up with the peer's last announced change; else how long changes have waited
 * @param clockSkewMillis newest received version's physical time minus our clock at receipt (latency included);
 *                        positive: the peer's clock is ahead
 * @param rttMillis       last ping round trip, -1 when unknown
 * @param origins         rows received from this peer, by the node that wrote them (the peer itself, or origins it
 *                        relayed): received, applied, skipped as already held, parked
 * @param lagRows         rows the peer still had for us at its last estimate: 0 once a round ended caught up, -1
 *                        before any estimate
 * @param schemaDrift     columns of the synced tables only one side has (see {@code SchemaShape.drift}), as of the
 *                        peer's last handshake: rows still cross; empty when the tables are alike or not yet known
 */
public record PeerSyncStatus(NodeId nodeId, String name, String host, int apiPort, int p2pPort, PeerState state,
                             PeerOrigin origin, Instant lastSeen, boolean connected, Instant lastSyncAt,
                             String lastError, long rowsApplied, long rounds, long lagMillis, long clockSkewMillis,
                             long rttMillis, Map<NodeId, OriginCounts> origins, long lagRows,
                             java.util.List<String> schemaDrift) {
    public PeerSyncStatus {
        origins = Map.copyOf(origins);
        schemaDrift = java.util.List.copyOf(schemaDrift);
    }
}
