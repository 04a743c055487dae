package dev.peersync.node.p2p;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import java.util.Objects;

/** A peer an operator added: kept in {@code node_app.manual_peers} and re-added to the directory at start. */
public record ManualPeer(NodeId nodeId, String name, String host, int apiPort, int p2pPort) {
    public ManualPeer {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
    }

    public PeerSighting sighting(String softwareVersion) {
        return new PeerSighting(nodeId, name, host, apiPort, p2pPort, softwareVersion, PeerOrigin.MANUAL);
    }
}
