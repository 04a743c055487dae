package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On an accepted connection, once the handshake is done, hands the connection to {@link InboundPeers} under
 * the peer's listening address (remote IP + the port the peer announced), and tells the local service a peer
 * connected (so a node added by hand on one side only is synced both ways). Then removes itself.
 */
public final class InboundRegistrar extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(InboundRegistrar.class);
    private final InboundPeers peers;
    private final LocalSyncService service;

    public InboundRegistrar(InboundPeers peers, LocalSyncService service) {
        this.peers = peers;
        this.service = service;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleted completed) {
            ctx.pipeline().remove(this);
            if (completed.peerListenPort() > 0 && ctx.channel().remoteAddress() instanceof InetSocketAddress remote
                    && remote.getAddress() != null) {
                PeerAddress address = new PeerAddress(remote.getAddress().getHostAddress(), completed.peerListenPort());
                peers.connected(address, ctx.channel(), ctx.pipeline().get(ResponseCorrelator.class), completed.peer());
                announce(completed.peer(), address);
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    private void announce(NodeHello peer, PeerAddress address) {
        NodeHello withPort = peer.withP2pPort(address.port());
        try {
            service.peerConnected(withPort, address.host());
        } catch (RuntimeException e) {
            log.warn("Local service failed on inbound peer {} at {}: {}", peer.nodeId(), address, e.toString(), e);
        }
    }
}
