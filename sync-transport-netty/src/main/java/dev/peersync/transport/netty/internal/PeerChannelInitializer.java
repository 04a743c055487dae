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
import java.util.function.IntSupplier;

/**
 * Assembles the pipeline of one connection. Both ends of a connection can send requests and answer them, so
 * the pipeline is the same on both sides:
 * <pre>
 *   [tls] - traffic - idle - frames - [frame MAC] - codec - [protected mode] - handshake - correlator - dispatcher
 *         - [registrar] - guard
 * </pre>
 * Without a cluster secret, {@link LoopbackPeersOnly} refuses every peer that is not on this host. With one, the
 * handshake inserts {@link FrameMac} once both sides have confirmed the key exchange.
 * The correlator takes replies to this node's requests, the dispatcher answers the peer's requests, the
 * registrar (accepted connections only) offers the connection for this node's own requests to that peer.
 * The dialling side pings when idle. Each channel gets its own stateful handlers; only {@link TrafficCounter}
 * is shared.
 */
public final class PeerChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final NettyTransportSettings settings;
    private final TransportStats stats;
    private final NodeHello local;
    private final IntSupplier listenPort;
    private final HandshakeAuth auth;
    private final SslContext ssl;
    private final TrafficCounter traffic;
    private final LocalSyncService service;
    private final Executor serviceExecutor;
    private final InboundPeers inboundPeers;

    private PeerChannelInitializer(NettyTransportSettings settings, TransportStats stats, NodeHello local,
                                   IntSupplier listenPort, SslContext ssl, LocalSyncService service,
                                   Executor serviceExecutor, InboundPeers inboundPeers) {
        this.settings = settings;
        this.stats = stats;
        this.local = local;
        this.listenPort = listenPort;
        this.auth = settings.authenticated() ? new HandshakeAuth(settings.clusterSecret(), local.clusterId()) : null;
        this.ssl = ssl;
        this.traffic = new TrafficCounter(stats);
        this.service = service;
        this.serviceExecutor = serviceExecutor;
        this.inboundPeers = inboundPeers;
    }

    /** Pipelines of accepted connections; verified ones are offered to {@code inboundPeers}. */
    public static PeerChannelInitializer accepting(NettyTransportSettings settings, TransportStats stats,
                                                   NodeHello local, IntSupplier listenPort, SslContext ssl,
                                                   LocalSyncService service, Executor serviceExecutor,
                                                   InboundPeers inboundPeers) {
        return new PeerChannelInitializer(settings, stats, local, listenPort, ssl, service, serviceExecutor,
                inboundPeers);
    }

    /** Pipelines of connections this node dials. */
    public static PeerChannelInitializer dialling(NettyTransportSettings settings, TransportStats stats,
                                                  NodeHello local, IntSupplier listenPort, SslContext ssl,
                                                  LocalSyncService service, Executor serviceExecutor) {
        return new PeerChannelInitializer(settings, stats, local, listenPort, ssl, service, serviceExecutor, null);
    }

    private boolean accepting() {
        return inboundPeers != null;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        long idleMillis = settings.idleTimeout().toMillis();
        p.addLast("traffic", traffic);
        // The dialling side pings on write-idle (a third of the timeout) so that a healthy idle link never looks dead.
        p.addLast("idle", new IdleStateHandler(idleMillis, accepting() ? 0 : Math.max(1, idleMillis / 3), 0,
                TimeUnit.MILLISECONDS));
        p.addLast("frames", new FrameDecoder(settings.maxFrameSize(), settings.frameTimeout()));
        p.addLast("codec", new MessageCodec(settings.maxFrameSize(), settings.compression(),
                NettyTransportSettings.COMPRESSION_THRESHOLD, stats));
        if (auth == null) {
            p.addLast("protected-mode", new LoopbackPeersOnly(stats, accepting()));
        }
        // The node's hello as it is now, not at start: its synced tables may have changed (a migration).
        p.addLast("handshake", new HandshakeHandler(service.hello(), accepting(), listenPort.getAsInt(), auth,
                ssl == null, settings.handshakeTimeout(), stats));
        p.addLast("correlator", new ResponseCorrelator(settings.requestTimeout(), stats));
        p.addLast("dispatcher", new RequestDispatcher(service, serviceExecutor, settings.maxRowsPerBatch(), stats));
        if (accepting()) {
            p.addLast("registrar", new InboundRegistrar(inboundPeers, service));
        }
        p.addLast("guard", new ConnectionGuard(stats, accepting()));
    }
}
