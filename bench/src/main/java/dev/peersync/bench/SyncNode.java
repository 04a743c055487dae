package dev.peersync.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.peersync.core.NodeId;
import dev.peersync.core.engine.EngineSettings;
import dev.peersync.core.engine.SyncEngine;
import dev.peersync.core.event.SyncListener;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.store.postgres.PgSyncStore;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncStore;
import dev.peersync.transport.netty.NettyPeerTransport;
import dev.peersync.transport.netty.NettyTransportSettings;
import dev.peersync.transport.netty.TransportStats;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A real node as the benchmark runs it: its own database (on its own PostgreSQL server), {@link PgSyncStore},
 * {@link SyncEngine} and {@link NettyPeerTransport} on loopback. The engine can be stopped and started again
 * on the same store: a node that is down and comes back.
 */
final class SyncNode implements AutoCloseable {
    static final String CLUSTER = "bench";
    private static final String HOST = "127.0.0.1";

    private final String name;
    private final DataSource dataSource;
    private final AutoCloseable pool;
    private final SyncStore store;
    private final EngineSettings engineSettings;
    private final List<SyncListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Running running;

    /** One start of the engine: the transport and directory live and die with it. */
    private record Running(SyncEngine engine, NettyPeerTransport transport, InetSocketAddress address) {
    }

    private SyncNode(String name, DataSource dataSource, AutoCloseable pool, SyncStore store,
                     EngineSettings engineSettings) {
        this.name = name;
        this.dataSource = dataSource;
        this.pool = pool;
        this.store = store;
        this.engineSettings = engineSettings;
    }

    /** Installs the store on {@code database} of {@code server} (the table must exist); the engine is not started. */
    static SyncNode open(String name, PgServer server, String database, int pullBatchRows) {
        HikariDataSource pool = server.pool(database, 8);
        return open(name, pool, pool, pullBatchRows);
    }

    static SyncNode open(String name, DataSource dataSource, AutoCloseable pool, int pullBatchRows) {
        SyncStore store = PgSyncStore.install(dataSource, StoreSettings.of(List.of(ReviewRows.TABLE)));
        // Production defaults but the pull size; the fallback interval stays at 30 s, so every figure below
        // comes from push notifications, never from the timer.
        EngineSettings settings = EngineSettings.builder(name).clusterId(CLUSTER).pullBatchRows(pullBatchRows).build();
        return new SyncNode(name, dataSource, pool, store, settings);
    }

    /** Starts the engine with a fresh transport on an ephemeral loopback port. */
    synchronized InetSocketAddress start(List<SyncNode> peers) {
        if (running != null) {
            throw new IllegalStateException("node " + name + " is already running");
        }
        NettyPeerTransport transport = new NettyPeerTransport(NettyTransportSettings.builder(CLUSTER)
                .bindHost(HOST).port(0).build());
        PeerDirectory directory = new PeerDirectory(store.nodeId(), Duration.ofSeconds(10), Duration.ofSeconds(60),
                Clock.systemUTC());
        SyncEngine engine = new SyncEngine(store, transport, directory, engineSettings, Clock.systemUTC());
        listeners.forEach(engine::addListener);
        InetSocketAddress address = engine.start();
        running = new Running(engine, transport, address);
        for (SyncNode peer : peers) {
            addPeer(peer.nodeId(), peer.port());
        }
        return address;
    }

    /** Tells this node where a peer listens (a manual peer, as an operator would add it). */
    void addPeer(NodeId peer, int port) {
        running().engine().directory().observe(new PeerSighting(peer, "peer", HOST, 0, port, "", PeerOrigin.MANUAL));
    }

    /** Stops the engine and its transport; the store and the database stay. */
    synchronized void stop() {
        Running r = running;
        running = null;
        if (r != null) {
            r.engine().close();
        }
    }

    void addListener(SyncListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        Running r = running;
        if (r != null) {
            r.engine().addListener(listener);
        }
    }

    SyncEngine engine() {
        return running().engine();
    }

    TransportStats stats() {
        return running().transport().stats();
    }

    int port() {
        return running().address().getPort();
    }

    /** The node's name ("a", "b", ...), for messages. */
    String name() {
        return name;
    }

    NodeId nodeId() {
        return store.nodeId();
    }

    SyncStore store() {
        return store;
    }

    private Running running() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("node " + name + " is not running");
        }
        return r;
    }

    @Override
    public void close() throws Exception {
        stop();
        pool.close();
    }
}
