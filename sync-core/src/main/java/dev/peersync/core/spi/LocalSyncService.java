package dev.peersync.core.spi;

import dev.peersync.core.NodeId;

/**
 * What this node answers to its peers. Implemented by the sync engine; served by a {@link PeerTransport}.
 * Every method reads the local database and returns bounded results; none holds a whole table in memory.
 */
public interface LocalSyncService {

    /** This node's identity, sent in the handshake. */
    NodeHello hello();

    /**
     * Answers one request of the table ({@link PeerRequest}) from {@code requester}: reads the local database and
     * returns a bounded answer, none holding a whole table in memory. A request that names something that does not
     * exist or is out of bounds is refused with an {@link IllegalArgumentException} naming it; a type this node does
     * not serve, with an {@link UnsupportedOperationException}.
     */
    <R> R serve(NodeId requester, PeerRequest<R> request);

    /**
     * A peer completed the handshake on a connection it opened to us, from {@code remoteHost}. Lets a node
     * that was added by hand on one side only be synced in both directions.
     */
    default void peerConnected(NodeHello peer, String remoteHost) {
    }

    /** A peer says it has new changes: pull from it soon. */
    void changesAvailable(NodeId peer);
}
