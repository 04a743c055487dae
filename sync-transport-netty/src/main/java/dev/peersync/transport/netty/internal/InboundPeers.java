package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import io.netty.channel.Channel;

/**
 * Told about every verified inbound connection, so that this node's own requests to that peer can travel on
 * it instead of on a second connection (one connection per pair of nodes).
 */
@FunctionalInterface
public interface InboundPeers {
    /**
     * @param address where the peer's server listens: the connection's remote IP and the port from its HELLO
     */
    void connected(PeerAddress address, Channel channel, ResponseCorrelator correlator, NodeHello hello);
}
