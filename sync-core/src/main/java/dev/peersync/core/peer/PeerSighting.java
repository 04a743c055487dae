package dev.peersync.core.peer;

import dev.peersync.core.NodeId;
import java.util.Objects;

/**
 * Evidence that a peer is alive and where it listens: an announcement, a handshake, a probe answer.
 *
 * @param nodeId          the peer's node id
 * @param name            its display name
 * @param host            address it was seen at
 * @param apiPort         its HTTP API port (0 if unknown)
 * @param p2pPort         its P2P port
 * @param softwareVersion its software version ("" if unknown)
 * @param origin          how it was seen
 */
public record PeerSighting(NodeId nodeId, String name, String host, int apiPort, int p2pPort, String softwareVersion,
                           PeerOrigin origin) {
    public PeerSighting {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(origin, "origin");
        name = name == null ? "" : name;
        softwareVersion = softwareVersion == null ? "" : softwareVersion;
    }
}
