package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.NodeHello;

/**
 * User event fired down the pipeline once the peer is verified; carries what the peer said about itself and
 * the port its own server listens on (0 when it did not say).
 */
public record HandshakeCompleted(NodeHello peer, int peerListenPort) {
}
