package dev.peersync.core.spi;

import dev.peersync.core.NodeId;

/**
 * What a node says about itself when a peer connection opens.
 *
 * @param nodeId            stable node id
 * @param nodeName          display name
 * @param clusterId         nodes sync only within one cluster
 * @param schema            the synced tables' columns: peers compare them ({@link SchemaShape#incompatibilities})
 * @param apiPort           HTTP port of the node's API (0 when it has none)
 * @param p2pPort           port the node's peer transport listens on (so a peer that connected to us can be
 *                          dialled back)
 * @param softwareVersion   version of the running software
 * @param predecessor       the id the node's database carried before (restored into another cluster, or cloned), or
 *                          null: a peer without a cursor on this node follows its feed from now and compares tables
 *                          with it, instead of reading its whole feed
 */
public record NodeHello(NodeId nodeId, String nodeName, String clusterId, SchemaShape schema, int apiPort,
                        int p2pPort, String softwareVersion, NodeId predecessor) {
    /** This hello with the port the node's transport listens on. */
    public NodeHello withP2pPort(int port) {
        return new NodeHello(nodeId, nodeName, clusterId, schema, apiPort, port, softwareVersion, predecessor);
    }
}
