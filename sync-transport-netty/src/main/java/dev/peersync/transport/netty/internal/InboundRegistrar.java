package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.PeerAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;

/**
 * On an accepted connection, once the handshake is done, hands the connection to {@link InboundPeers} under
 * the peer's listening address (remote IP + the port the peer announced). Then removes itself.
 */
public final class InboundRegistrar extends ChannelInboundHandlerAdapter {
    private final InboundPeers peers;

    public InboundRegistrar(InboundPeers peers) {
        this.peers = peers;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleted completed) {
            ctx.pipeline().remove(this);
            if (completed.peerListenPort() > 0 && ctx.channel().remoteAddress() instanceof InetSocketAddress remote
                    && remote.getAddress() != null) {
                PeerAddress address = new PeerAddress(remote.getAddress().getHostAddress(), completed.peerListenPort());
                peers.connected(address, ctx.channel(), ctx.pipeline().get(ResponseCorrelator.class), completed.peer());
            }
        }
        super.userEventTriggered(ctx, evt);
    }
}
