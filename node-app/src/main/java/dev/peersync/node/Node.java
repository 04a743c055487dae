package dev.peersync.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.NodeId;
import dev.peersync.core.engine.EngineSettings;
import dev.peersync.core.engine.SyncEngine;
import dev.peersync.core.event.SyncListener;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.store.postgres.PgSyncStore;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.UniqueCollisionPolicy;
import dev.peersync.core.store.SyncStore;
import dev.peersync.discovery.DiscoverySettings;
import dev.peersync.discovery.LocalNode;
import dev.peersync.discovery.UdpDiscovery;
import dev.peersync.node.config.NodeConfig;
import dev.peersync.node.db.NodeDatabase;
import dev.peersync.node.http.ApiDocs;
import dev.peersync.node.http.NodeApiOperations;
import dev.peersync.node.db.NodeNames;
import dev.peersync.node.db.NodeSchema;
import dev.peersync.node.db.NodeSettings;
import dev.peersync.node.http.NodeAccess;
import dev.peersync.node.http.NodeHttp;
import dev.peersync.node.metrics.EngineMetrics;
import dev.peersync.node.metrics.SyncMetrics;
import dev.peersync.node.p2p.AdminGuard;
import dev.peersync.node.p2p.ConflictRoutes;
import dev.peersync.node.p2p.ClusterSignature;
import dev.peersync.node.p2p.DiscoveryControl;
import dev.peersync.node.p2p.LiveConfig;
import dev.peersync.node.p2p.ManualPeerStore;
import dev.peersync.node.p2p.P2pRoutes;
import dev.peersync.node.p2p.PeerRegistrar;
import dev.peersync.node.p2p.PendingPeerStore;
import dev.peersync.node.p2p.StatusView;
import dev.peersync.node.ws.EventHub;
import dev.peersync.review.ReviewApi;
import dev.peersync.review.ReviewApiSettings;
import dev.peersync.review.ReviewDatabase;
import dev.peersync.transport.netty.NettyPeerTransport;
import dev.peersync.transport.netty.NettyTransportSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node. It composes and owns everything, started in this order and stopped in the reverse:
 * database (embedded or external) -> node-app schema and node name -> review API migrations -> sync store
 * installed on the seven tables -> metrics and WebSocket hub -> sync engine with the P2P transport (manual peers
 * re-added first) -> UDP discovery -> HTTP. Each part stops with a bounded wait; if starting fails half-way,
 * what was started is stopped again and the cause is rethrown.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    /** A peer not heard for three discovery announcements (2 s) is suspect, after 15 s gone. */
    private static final Duration PEER_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final NodeConfig config;
    private final String name;
    private final Deque<AutoCloseable> started;
    private final SyncEngine engine;
    private final NodeHttp http;
    private final Instant startedAt;
    private final java.util.concurrent.atomic.AtomicBoolean stopping;

    private Node(NodeConfig config, String name, Deque<AutoCloseable> started, SyncEngine engine, NodeHttp http,
                 Instant startedAt, java.util.concurrent.atomic.AtomicBoolean stopping) {
        this.stopping = stopping;
        this.config = config;
        this.name = name;
        this.started = started;
        this.engine = engine;
        this.http = http;
        this.startedAt = startedAt;
    }

    /** Why {@code /ready} answers 503 now, if it does: shutting down, or joining a peer by snapshot. */
    static java.util.Optional<String> readiness(boolean stopping, java.util.Optional<dev.peersync.core.engine.JoinProgress> join) {
        if (stopping) {
            return java.util.Optional.of("the node is shutting down");
        }
        return join.map(p -> "joining " + p.peer() + " by snapshot: " + p.rowsLoaded() + " of " + p.rowsTotal()
                + " rows loaded");
    }

    /** Starts a node with the system clock. */
    public static Node start(NodeConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** Starts a node; on failure everything already started is stopped and the cause is rethrown. */
    public static Node start(NodeConfig config, Clock systemClock) {
        Objects.requireNonNull(config, "config");
        // A configured skew moves every clock of the node: versions (through the store) and health timing.
        Clock clock = config.clockOffset().isZero() ? systemClock : Clock.offset(systemClock, config.clockOffset());
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Instant startedAt = clock.instant();
            warnAboutSecurity(config);
            NodeDatabase database = openDatabase(config);
            started.push(database);
            NodeSchema.migrate(database.dataSource());
            // The name as resolved (configured, stored, or generated once); config.nodeName() is what was asked for.
            String name = NodeNames.reconcile(new NodeSettings(database.dataSource()), config.nodeName(),
                    config.nodeName().orElseGet(() -> provisionalName(config)));
            log.info("Node {} starting: {}; database: {}", name, config, database.description());

            ReviewDatabase.migrate(database.dataSource(), config.siteMigrations()
                    .map(dir -> "filesystem:" + dir).stream().toList());
            ReviewApi reviewApi = new ReviewApi(database.dataSource(),
                    ReviewApiSettings.builder(config.jwtSecret()).maxBodyBytes(NodeHttp.MAX_REQUEST_BYTES)
                            .adminToken(config.adminToken()).build(),
                    clock);
            SyncStore store = PgSyncStore.install(database.dataSource(), storeSettings(config));
            NodeId nodeId = store.nodeId();
            ObjectMapper mapper = reviewApi.objectMapper();

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            started.push(registry::close);
            SyncMetrics syncMetrics = new SyncMetrics(registry);
            // What operators expect beside ours: JVM, process and connection pool metrics (Micrometer's binders).
            new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
            io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gc = new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics();
            gc.bindTo(registry);
            started.push(gc);
            new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
            new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
            new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
            new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
            new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
            database.bindMetrics(registry);

            NettyPeerTransport transport = new NettyPeerTransport(transportSettings(config));
            PeerDirectory directory = new PeerDirectory(nodeId, clock);
            EngineSettings engineSettings = EngineSettings.builder(name)
                    .clusterId(config.clusterId())
                    .apiPort(config.apiPort())
                    .softwareVersion(SoftwareVersion.VALUE)
                    .syncInterval(config.syncInterval())
                    .tombstones(config.tombstones().retention(), config.tombstones().interval())
                    .enabled(config.p2pSyncEnabled())
                    .build();
            SyncEngine engine = new SyncEngine(store, transport, directory, engineSettings,
                    clock);
            started.push(engine);
            java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
            reviewApi.notReadyWhile(() -> readiness(stopping.get(), engine.joinProgress()));

            DiscoveryControl discovery = new DiscoveryControl(() -> new UdpDiscovery(discoverySettings(config, name,
                    nodeId, engine)), directory);
            PeerRegistrar registrar = new PeerRegistrar(transport, directory,
                    new ManualPeerStore(database.dataSource()), new PendingPeerStore(database.dataSource()),
                    HttpClient.newBuilder().connectTimeout(PEER_REQUEST_TIMEOUT).build(), mapper,
                    PEER_REQUEST_TIMEOUT, clock);
            started.push(registrar);
            StatusView statusView = new StatusView(engine, discovery, config.clusterId(),
                    config.clusterSecret().isEmpty(), config.adminToken().isPresent(), config::apiPort,
                    config.discoveryPort(), startedAt, clock, registrar::pendingView);
            EventHub hub = new EventHub(mapper, statusView::render, 256, 500, clock);
            started.push(hub);
            SyncListener listeners = event -> {
                syncMetrics.onEvent(event);
                hub.onEvent(event);
            };
            engine.addListener(listeners);

            registrar.start(hub::statusChanged);
            engine.start();
            started.push(discovery);
            discovery.setEnabled(config.autoDiscoveryEnabled());

            EngineMetrics engineMetrics = new EngineMetrics(registry, engine::status,
                    () -> transport.stats().bytesIn(), () -> transport.stats().bytesOut());
            AdminGuard admin = new AdminGuard(config.adminToken());
            NodeAccess access = new NodeAccess(admin, config.network().corsOrigins());
            P2pRoutes p2p = new P2pRoutes(engine, statusView, new LiveConfig(engine, discovery, mapper), registrar,
                    discovery, admin, access, new ClusterSignature(config.clusterSecret(), clock), listeners, hub,
                    mapper);
            NodeHttp http = NodeHttp.start(config.network().bindAddress(), config.apiPort(), mapper, registry, hub,
                    engineMetrics::refresh, access,
                    List.of(reviewApi::configure, p2p, new ConflictRoutes(store, admin, mapper),
                            new ApiDocs(NodeApiOperations.all(), mapper)));
            started.push(http);
            log.info("Node {} ({}) ready: API http://{}:{} (WebSocket {}, /metrics), P2P {} ({}), discovery "
                            + "UDP {} ({}), sync {} every {} s", name, nodeId, config.network().bindAddress(),
                    http.port(), NodeHttp.WS_PATH,
                    engine.p2pAddress(), config.authMode(), config.discoveryPort(),
                    discovery.enabled() ? "on" : "off", config.p2pSyncEnabled() ? "on" : "OFF",
                    config.syncInterval().toSeconds());
            return new Node(config, name, started, engine, http, startedAt, stopping);
        } catch (RuntimeException | Error e) {
            closeAll(started);
            throw e;
        }
    }

    private static NettyTransportSettings transportSettings(NodeConfig config) {
        NettyTransportSettings.Builder builder = NettyTransportSettings.builder(config.clusterId())
                .bindHost(config.network().bindAddress())
                .port(config.p2pPort())
                .clusterSecret(config.clusterSecret().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null));
        config.network().tls().ifPresent(tls -> builder.tls(tls.cert(), tls.key(), tls.ca().orElse(null)));
        return builder.build();
    }

    /** Protected mode and the loopback interface keep discovery on 127.0.0.1; otherwise all addresses (broadcasts). */
    private static String discoveryBindHost(NodeConfig config) {
        boolean loopback = config.protectedMode() || config.network().discoveryInterface()
                .map(Node::isLoopbackInterface).orElse(false);
        return loopback ? "127.0.0.1" : "0.0.0.0";
    }

    private static boolean isLoopbackInterface(String name) {
        try {
            java.net.NetworkInterface nic = java.net.NetworkInterface.getByName(name);
            return nic != null && nic.isLoopback();
        } catch (java.net.SocketException e) {
            throw new IllegalStateException("Cannot inspect DISCOVERY_INTERFACE " + name + ": " + e.getMessage(), e);
        }
    }

    private static DiscoverySettings discoverySettings(NodeConfig config, String name, NodeId nodeId,
                                                       SyncEngine engine) {
        LocalNode local = new LocalNode(nodeId, name, config.apiPort(),
                engine.p2pAddress().getPort(), SoftwareVersion.VALUE);
        return DiscoverySettings.builder(local)
                .port(config.discoveryPort())
                .targetPorts(config.effectiveDiscoveryPeerPorts())
                .clusterId(config.clusterId())
                .secret(config.clusterSecret())
                .bindHost(discoveryBindHost(config))
                .networkInterface(config.network().discoveryInterface()).build();
    }

    private static void warnAboutSecurity(NodeConfig config) {
        if (config.jwtSecretGenerated()) {
            log.warn("JWT_SECRET is not set: using a random secret for this run. Tokens issued here will NOT be "
                    + "accepted by other nodes, nor by this node after a restart. Set the same JWT_SECRET (32+ "
                    + "bytes) on every node.");
        }
        if (config.protectedMode()) {
            log.warn("CLUSTER_SECRET is not set: PROTECTED MODE. The P2P port and discovery serve peers on this host "
                    + "(loopback) only; whole rows (table-data) and remote writes (sync-table) need ADMIN_TOKEN. To "
                    + "sync with other hosts set the same CLUSTER_SECRET on every node (`openssl rand -base64 48`).");
        }
        if (config.adminToken().isEmpty()) {
            log.info("ADMIN_TOKEN is not set: the mutating /api/v1/p2p endpoints answer loopback clients only, "
                    + "/metrics and the WebSocket are open to this host's pages; set ADMIN_TOKEN to administer "
                    + "the node from elsewhere");
        }
    }

    /** What the node syncs and how: the review API's tables, with its unique-collision policies. */
    private static StoreSettings storeSettings(NodeConfig config) {
        StoreSettings.Builder settings = StoreSettings.builder(ReviewDatabase.TABLES)
                .maxClockOffset(config.maxClockOffset()).clockOffsetMillis(config.clockOffset().toMillis())
                .conflictRetention(config.conflictRetention());
        for (List<String> unique : ReviewDatabase.RENAMED_ON_COLLISION) {
            settings.uniquePolicy(UniqueCollisionPolicy.rename(unique.get(0), unique.get(1), ReviewDatabase.RENAMED_FLAG));
        }
        return settings.build();
    }

    /**
     * Gives the node of the configured database a new id (a database copied to start another node: the copy would
     * meet its original as itself) and returns it. The node must be stopped. See docs/operations.md, "Clone".
     */
    public static NodeId newIdentity(NodeConfig config) throws Exception {
        try (NodeDatabase database = openDatabase(config)) {
            NodeSchema.migrate(database.dataSource());
            ReviewDatabase.migrate(database.dataSource(), config.siteMigrations()
                    .map(dir -> "filesystem:" + dir).stream().toList());
            return PgSyncStore.newIdentity(database.dataSource(), storeSettings(config));
        }
    }

    private static NodeDatabase openDatabase(NodeConfig config) {
        if (config.database().isPresent()) {
            return NodeDatabase.external(config.database().get(), config.nodeName().orElse("node"));
        }
        String name = config.nodeName().orElseGet(() -> NodeNames.forEmbedded(config.dataDir(), config.apiPort()));
        return NodeDatabase.embedded(config.dataDir().resolve(name).resolve("pg"), config.embeddedPgPort(), name);
    }

    /** The name to store when none is configured and none is stored yet. */
    private static String provisionalName(NodeConfig config) {
        return config.database().isPresent() ? NodeNames.generate()
                : NodeNames.forEmbedded(config.dataDir(), config.apiPort());
    }

    public NodeConfig config() {
        return config;
    }

    public NodeId nodeId() {
        return engine.nodeId();
    }

    public SyncEngine engine() {
        return engine;
    }

    /** The bound HTTP port. */
    public int apiPort() {
        return http.port();
    }

    /** The HTTP routes this node serves ("GET /api/v1/products"). */
    public List<String> httpRoutes() {
        return http.routes();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Stops everything in reverse order of start. Safe to call twice. */
    @Override
    public void close() {
        stopping.set(true); // /ready answers 503 from here on
        log.info("Node {} stopping", name);
        closeAll(started);
        log.info("Node {} stopped", name);
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        synchronized (started) {
            while (!started.isEmpty()) {
                AutoCloseable part = started.pop();
                try {
                    part.close();
                } catch (Exception e) {
                    log.warn("Stopping {} failed: {}", part, e.toString(), e);
                }
            }
        }
    }
}
