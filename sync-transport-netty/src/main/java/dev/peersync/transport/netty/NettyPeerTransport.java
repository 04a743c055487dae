package dev.peersync.transport.netty;

import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PeerTransport;
import dev.peersync.transport.netty.internal.Backoff;
import dev.peersync.transport.netty.internal.NettyPeerClient;
import dev.peersync.transport.netty.internal.PeerChannelInitializer;
import dev.peersync.transport.netty.internal.PeerServer;
import dev.peersync.transport.netty.internal.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PeerTransport} over TCP with Netty. {@link #start} listens for peers and answers them from the
 * {@link LocalSyncService}; {@link #client} gives one reused, self-reconnecting connection per peer address.
 * Protocol: {@code docs/protocol.md} and {@link dev.peersync.transport.netty.internal.WireFormat}.
 *
 * <p>Connections are directional: requests flow from the side that connected to the side that accepted, so a
 * pair of nodes that both pull from each other holds two connections, one per direction.
 */
public final class NettyPeerTransport implements PeerTransport {
    private static final Logger log = LoggerFactory.getLogger(NettyPeerTransport.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final NettyTransportSettings settings;
    private final TransportStats stats = new TransportStats();
    private final Map<PeerAddress, NettyPeerClient> clients = new ConcurrentHashMap<>();

    // Set once by start(), under this.
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService serviceExecutor;
    private ExecutorService callbackExecutor;
    private PeerServer server;
    private Bootstrap clientBootstrap;
    private boolean closed;

    public NettyPeerTransport(NettyTransportSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public synchronized InetSocketAddress start(LocalSyncService service) {
        Objects.requireNonNull(service, "service");
        if (server != null || closed) {
            throw new IllegalStateException("transport was already started" + (closed ? " and closed" : ""));
        }
        NodeHello local = service.hello();
        if (!settings.clusterId().equals(local.clusterId())) {
            throw new IllegalArgumentException("clusterId of the settings (" + settings.clusterId()
                    + ") differs from the node's hello (" + local.clusterId() + ")");
        }
        SslContext serverSsl = settings.tls() ? TlsContexts.server(settings) : null;
        SslContext clientSsl = settings.tls() ? TlsContexts.client(settings) : null;
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("peersync-p2p-accept", true),
                NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("peersync-p2p-io", true),
                NioIoHandler.newFactory());
        serviceExecutor = Executors.newFixedThreadPool(settings.serviceThreads(),
                new DefaultThreadFactory("peersync-p2p-serve", true));
        callbackExecutor = Executors.newCachedThreadPool(new DefaultThreadFactory("peersync-p2p-callback", true));
        try {
            server = PeerServer.bind(boss, workers, settings.bindHost(), settings.port(),
                    PeerChannelInitializer.server(settings, stats, local, serverSsl, service, serviceExecutor),
                    settings.writeBufferLow(), settings.writeBufferHigh());
        } catch (RuntimeException e) {
            shutdownThreads();
            throw e;
        }
        clientBootstrap = new Bootstrap()
                .group(workers)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh()))
                .handler(PeerChannelInitializer.client(settings, stats, local, clientSsl));
        InetSocketAddress bound = server.localAddress();
        if (settings.authenticated()) {
            log.info("P2P transport of node {} listening on {}: peers must prove the cluster secret (HMAC-SHA256), "
                    + "TLS {}", local.nodeId(), bound, settings.tls() ? "on" : "off");
        } else {
            log.warn("*** P2P transport of node {} listening on {} runs OPEN: no cluster secret is set, so any host "
                    + "that reaches this port can read and change the synced data. Set CLUSTER_SECRET on every "
                    + "node to require authentication. ***", local.nodeId(), bound);
        }
        return bound;
    }

    @Override
    public PeerClient client(PeerAddress address) {
        Objects.requireNonNull(address, "address");
        synchronized (this) {
            if (clientBootstrap == null || closed) {
                throw new IllegalStateException("transport is " + (closed ? "closed" : "not started: call start() first"));
            }
        }
        return clients.computeIfAbsent(address, a -> new NettyPeerClient(a, clientBootstrap, workers, callbackExecutor,
                new Backoff(settings.reconnectBackoffMin(), settings.reconnectBackoffMax())));
    }

    public TransportStats stats() {
        return stats;
    }

    public NettyTransportSettings settings() {
        return settings;
    }

    /** False when the node runs open (no cluster secret); status pages must say so. */
    public boolean authenticated() {
        return settings.authenticated();
    }

    /** One line for status pages and logs. */
    public String securityStatus() {
        return settings.authenticated()
                ? "authenticated (HMAC-SHA256 challenge-response), TLS " + (settings.tls() ? "on" : "off")
                : "OPEN: no cluster secret, any host reaching the P2P port can read and change synced data";
    }

    /** Answer bytes queued on accepted connections and not yet taken by the kernel (backpressure gauge). */
    public synchronized long pendingOutboundBytes() {
        return server == null ? 0 : server.pendingOutboundBytes();
    }

    /** Connections accepted from peers and still open. */
    public synchronized int inboundConnections() {
        return server == null ? 0 : server.connectionCount();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        clients.values().forEach(NettyPeerClient::close);
        clients.clear();
        if (server != null) {
            server.close(STOP_WAIT);
        }
        shutdownThreads();
        log.info("P2P transport stopped");
    }

    private void shutdownThreads() {
        if (boss != null) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STOP_WAIT.toMillis());
        }
        for (ExecutorService executor : new ExecutorService[] {serviceExecutor, callbackExecutor}) {
            if (executor != null) {
                executor.shutdown();
                try {
                    if (!executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        log.warn("P2P executor did not stop within {}; interrupting it", STOP_WAIT);
                        executor.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    executor.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
