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
import dev.peersync.transport.netty.internal.ResponseCorrelator;
import dev.peersync.transport.netty.internal.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PeerTransport} over TCP with Netty. {@link #start} listens for peers and answers them from the
 * {@link LocalSyncService}; {@link #client} gives one reused, self-reconnecting connection per peer address.
 * Protocol: {@code docs/protocol.md} and {@link dev.peersync.transport.netty.internal.WireFormat}.
 *
 * <p>One connection per pair of nodes: both ends send requests on it. When a peer dials us, our client for
 * that peer's address (its remote IP and the listen port it announces) uses the peer's connection instead of
 * dialling a second one. Only when both dial at the same moment do two connections exist; both work.
 */
public final class NettyPeerTransport implements PeerTransport {
    private static final Logger log = LoggerFactory.getLogger(NettyPeerTransport.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final NettyTransportSettings settings;
    private final TransportStats stats = new TransportStats();
    private final Map<PeerAddress, NettyPeerClient> clients = new ConcurrentHashMap<>();
    /** Our server's port, announced in HELLO so that peers we dial can send their requests back on that connection. */
    private final AtomicInteger listenPort = new AtomicInteger();

    // Set once by start(), under this; volatile for the event loop threads that adopt inbound connections.
    private volatile EventLoopGroup boss;
    private volatile EventLoopGroup workers;
    private volatile ExecutorService serviceExecutor;
    private volatile ExecutorService callbackExecutor;
    private volatile PeerServer server;
    private volatile Bootstrap clientBootstrap;
    private volatile boolean closed;

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
        clientBootstrap = new Bootstrap()
                .group(workers)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh()))
                .handler(PeerChannelInitializer.dialling(settings, stats, local, listenPort::get, clientSsl, service,
                        serviceExecutor));
        try {
            server = PeerServer.bind(boss, workers, settings.bindHost(), settings.port(),
                    PeerChannelInitializer.accepting(settings, stats, local, listenPort::get, serverSsl, service,
                            serviceExecutor, this::adoptInbound),
                    settings.writeBufferLow(), settings.writeBufferHigh(), settings.maxConnections(), stats);
        } catch (RuntimeException e) {
            shutdownThreads();
            throw e;
        }
        InetSocketAddress bound = server.localAddress();
        listenPort.set(bound.getPort());
        if (settings.authenticated()) {
            log.info("P2P transport of node {} listening on {}: peers must prove the cluster secret (J-PAKE), "
                    + "TLS {}", local.nodeId(), bound, settings.tls() ? "on" : "off");
        } else {
            // The owner (node-app) says once how to open up; here only the fact, for embedders' logs.
            log.info("P2P transport of node {} listening on {}: no cluster secret, protected mode (peers on this "
                    + "host only)", local.nodeId(), bound);
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
        return clients.computeIfAbsent(address, this::newClient);
    }

    private NettyPeerClient newClient(PeerAddress address) {
        return new NettyPeerClient(address, clientBootstrap, workers, callbackExecutor,
                new Backoff(settings.reconnectBackoffMin(), settings.reconnectBackoffMax()));
    }

    /**
     * A peer dialled us and passed the handshake: our requests to it may use that connection (runs on an event
     * loop; takes no lock of this transport, so close() cannot deadlock with it).
     */
    private void adoptInbound(PeerAddress address, Channel channel, ResponseCorrelator correlator, NodeHello hello) {
        if (!closed) {
            clients.computeIfAbsent(address, this::newClient).adopt(channel, correlator, hello);
        }
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
                ? "authenticated (J-PAKE key exchange), TLS " + (settings.tls() ? "on" : "off")
                : "PROTECTED MODE: no cluster secret, peers on this host (loopback) only";
    }

    /** Answer bytes queued on accepted connections and not yet taken by the kernel (backpressure gauge). */
    @Override
    public void renewHandshakes() {
        clients.values().forEach(NettyPeerClient::renewHandshake);
        PeerServer accepting;
        synchronized (this) {
            accepting = server;
        }
        if (accepting != null) {
            accepting.closeConnections();
        }
    }

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
