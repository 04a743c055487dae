package dev.peersync.core.spi;

import java.net.InetSocketAddress;

/** Carries sync traffic between nodes. Implemented outside sync-core (e.g. sync-transport-netty). */
public interface PeerTransport extends AutoCloseable {

    /** Starts accepting peer connections and answering them from {@code service}. Returns the bound address. */
    InetSocketAddress start(LocalSyncService service);

    /** The client for a peer; the same instance (and connection) is returned for the same address. */
    PeerClient client(PeerAddress address);

    /**
     * Drops every open connection, dialled or accepted, so that each handshakes again at once: this node's synced
     * tables changed, and peers compare them with theirs in the handshake.
     */
    default void renewHandshakes() {
    }

    /** Stops accepting, closes every connection, waits a bounded time. */
    @Override
    void close();
}
