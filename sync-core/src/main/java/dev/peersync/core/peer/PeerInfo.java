package dev.peersync.core.peer;

import dev.peersync.core.NodeId;
import java.time.Instant;

/** A snapshot of what the directory knows about one peer. */
public record PeerInfo(NodeId nodeId, String name, String host, int apiPort, int p2pPort, String softwareVersion,
                       PeerOrigin origin, PeerState state, Instant firstSeen, Instant lastSeen) {
}
