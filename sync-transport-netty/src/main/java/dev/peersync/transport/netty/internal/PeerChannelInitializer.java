package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.transport.netty.NettyTransportSettings;
import dev.peersync.transport.netty.TransportStats;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Assembles the pipeline of one connection, server or client side:
 * <pre>
 *   [tls] - traffic - idle - frames - codec - handshake - dispatcher (server) | correlator (client) - guard
 * </pre>
 * Each channel gets its own stateful handlers; only {@link TrafficCounter} is shared.
 */
public final class PeerChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final NettyTransportSettings settings;
    private final TransportStats stats;
    private final NodeHello local;
    private final HandshakeAuth auth;
    private final SslContext ssl;
    private final TrafficCounter traffic;
    private final LocalSyncService service;
    private final Executor serviceExecutor;

    private PeerChannelInitializer(NettyTransportSettings settings, TransportStats stats, NodeHello local,
                                   SslContext ssl, LocalSyncService service, Executor serviceExecutor) {
        this.settings = settings;
        this.stats = stats;
        this.local = local;
        this.auth = settings.authenticated() ? new HandshakeAuth(settings.clusterSecret()) : null;
        this.ssl = ssl;
        this.traffic = new TrafficCounter(stats);
        this.service = service;
        this.serviceExecutor = serviceExecutor;
    }

    /** Pipelines of accepted connections, answering from {@code service} on {@code serviceExecutor}. */
    public static PeerChannelInitializer server(NettyTransportSettings settings, TransportStats stats,
                                                NodeHello local, SslContext ssl, LocalSyncService service,
                                                Executor serviceExecutor) {
        return new PeerChannelInitializer(settings, stats, local, ssl, service, serviceExecutor);
    }

    /** Pipelines of outgoing connections; requests go through the channel's {@link ResponseCorrelator}. */
    public static PeerChannelInitializer client(NettyTransportSettings settings, TransportStats stats,
                                                NodeHello local, SslContext ssl) {
        return new PeerChannelInitializer(settings, stats, local, ssl, null, null);
    }

    private boolean serverSide() {
        return service != null;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        long idleMillis = settings.idleTimeout().toMillis();
        p.addLast("traffic", traffic);
        // Clients ping on write-idle (a third of the timeout) so that a healthy idle link never looks dead.
        p.addLast("idle", new IdleStateHandler(idleMillis, serverSide() ? 0 : Math.max(1, idleMillis / 3), 0,
                TimeUnit.MILLISECONDS));
        p.addLast("frames", new FrameDecoder(settings.maxFrameSize(), settings.frameTimeout()));
        p.addLast("codec", new MessageCodec(settings.maxFrameSize(), settings.compression(),
                NettyTransportSettings.COMPRESSION_THRESHOLD, stats));
        p.addLast("handshake", new HandshakeHandler(local, auth, settings.handshakeTimeout(), stats));
        if (serverSide()) {
            p.addLast("dispatcher", new RequestDispatcher(service, serviceExecutor, settings.maxRowsPerBatch(), stats));
        } else {
            p.addLast("correlator", new ResponseCorrelator(settings.requestTimeout(), stats));
        }
        p.addLast("guard", new ConnectionGuard(stats, serverSide()));
    }
}
