package dev.peersync.embedded;

import dev.peersync.core.NodeId;
import dev.peersync.core.engine.EngineSettings;
import dev.peersync.core.engine.EngineStatus;
import dev.peersync.core.engine.SyncEngine;
import dev.peersync.core.event.SyncListener;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncStore;
import dev.peersync.core.store.UniqueCollisionPolicy;
import dev.peersync.discovery.DiscoverySettings;
import dev.peersync.discovery.LocalNode;
import dev.peersync.discovery.UdpDiscovery;
import dev.peersync.embedded.internal.AddressedPeers;
import dev.peersync.store.postgres.PgSyncStore;
import dev.peersync.transport.netty.NettyPeerTransport;
import dev.peersync.transport.netty.NettyTransportSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs tables of an application's PostgreSQL database with the same tables on other nodes, peer to peer: the one
 * entry point for embedders. It installs the store (idempotently), starts the P2P transport, the sync engine,
 * discovery when asked, and connects to the peers given by address.
 *
 * <pre>{@code
 * try (PeerSync sync = PeerSync.builder(dataSource)
 *         .tables("orders", "order_lines")
 *         .clusterSecret(System.getenv("CLUSTER_SECRET"))
 *         .p2pPort(9001)
 *         .peer("10.0.0.2:9001")
 *         .start()) {
 *     ... the application runs; writes to the tables reach the peers within a second ...
 * }
 * }</pre>
 *
 * <p>Without a cluster secret the node is in protected mode: its P2P port and discovery bind to the loopback
 * interface, so only processes of this host can sync with it. Every node of a cluster needs the same cluster id and
 * secret; the secret authenticates peers (J-PAKE) and protects every frame.
 */
public final class PeerSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerSync.class);

    private final SyncEngine engine;
    private final AddressedPeers addressed;
    private final Deque<AutoCloseable> started;

    private PeerSync(SyncEngine engine, AddressedPeers addressed, Deque<AutoCloseable> started) {
        this.engine = engine;
        this.addressed = addressed;
        this.started = started;
    }

    /** Starts describing a node whose synced tables live in {@code dataSource}'s database. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** This node's id, generated once at the first install and kept in the database. */
    public NodeId nodeId() {
        return engine.nodeId();
    }

    /** Where the P2P port listens (its port is the one chosen when {@link Builder#p2pPort} was 0). */
    public InetSocketAddress p2pAddress() {
        return engine.p2pAddress();
    }

    /** Peers, their state and lag, per-table counters: what an operator's status page shows. */
    public EngineStatus status() {
        return engine.status();
    }

    /** The engine, for what the facade does not cover (sync interval, anti-entropy on demand, join progress). */
    public SyncEngine engine() {
        return engine;
    }

    /**
     * Adds a peer by the address of its P2P port, {@code host:port}; its node id is learned in the handshake. A peer
     * that does not answer yet is tried again in the background until it does.
     *
     * @throws IllegalArgumentException when the address is not {@code host:port}
     */
    public void addPeer(String address) {
        addressed.add(AddressedPeers.parse(address));
    }

    /** Stops discovery, the engine and the transport, in that order; the database is left as it is. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", c, e.toString());
            }
        }
    }

    /** What a node is: its tables, cluster, ports and peers. Only {@link #tables} is required. */
    public static final class Builder {
        private final DataSource dataSource;
        private final List<String> tables = new ArrayList<>();
        private final List<String> peers = new ArrayList<>();
        private final List<SyncListener> listeners = new ArrayList<>();
        private final List<UniqueCollisionPolicy> uniquePolicies = new ArrayList<>();
        private String clusterId = DiscoverySettings.DEFAULT_CLUSTER_ID;
        private byte[] clusterSecret;
        private String nodeName;
        private String bindHost;
        private int p2pPort = 9001;
        private boolean discovery;
        private int discoveryPort = DiscoverySettings.DEFAULT_PORT;
        private List<Integer> discoveryTargetPorts = DiscoverySettings.DEFAULT_TARGET_PORTS;
        private Duration syncInterval = EngineSettings.defaults("node").syncInterval();
        private String schema;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The tables to sync (each needs a primary key; parents and children may come in any order). */
        public Builder tables(String... names) {
            tables.addAll(List.of(names));
            return this;
        }

        /** Nodes sync only within one cluster id; default {@code peersync}. */
        public Builder clusterId(String value) {
            this.clusterId = Objects.requireNonNull(value, "clusterId");
            return this;
        }

        /**
         * The secret every node of the cluster shares (at least 32 bytes, e.g. {@code openssl rand -base64 48}).
         * Without one the node syncs with processes of this host only.
         */
        public Builder clusterSecret(String value) {
            if (value != null && value.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalArgumentException("clusterSecret must be at least 32 bytes; generate one with "
                        + "`openssl rand -base64 48`");
            }
            this.clusterSecret = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** A display name for peers and logs; default: this host's name. */
        public Builder nodeName(String value) {
            this.nodeName = Objects.requireNonNull(value, "nodeName");
            return this;
        }

        /** The address the P2P port binds to; default all interfaces, loopback without a cluster secret. */
        public Builder bindHost(String value) {
            this.bindHost = Objects.requireNonNull(value, "bindHost");
            return this;
        }

        /** The TCP port peers connect to; default 9001, 0 for any free port. */
        public Builder p2pPort(int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException("p2pPort must be in 0..65535, got " + value);
            }
            this.p2pPort = value;
            return this;
        }

        /** Finds peers of the same cluster by UDP broadcast (signed with the cluster secret); default off. */
        public Builder discovery(boolean value) {
            this.discovery = value;
            return this;
        }

        /** The UDP port discovery listens on, and the ports it announces to; defaults 8002 and 8002, 8004, 8006. */
        public Builder discoveryPorts(int port, List<Integer> targetPorts) {
            this.discoveryPort = port;
            this.discoveryTargetPorts = List.copyOf(targetPorts);
            return this;
        }

        /** A peer's P2P address, {@code host:port}; may be called once per peer. Its node id comes from the handshake. */
        public Builder peer(String address) {
            AddressedPeers.parse(address); // refuse a malformed address here, not at start
            peers.add(address);
            return this;
        }

        /** Receives sync events (tables synced, conflicts, parked rows, peers' states), on engine threads. */
        public Builder listener(SyncListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** How often the node pulls from each peer besides the pushes on commit; default 30 s. */
        public Builder syncInterval(Duration value) {
            this.syncInterval = Objects.requireNonNull(value, "syncInterval");
            return this;
        }

        /** The schema of the store's own tables; default {@code peersync}. */
        public Builder schema(String value) {
            this.schema = Objects.requireNonNull(value, "schema");
            return this;
        }

        /** What to do when a unique constraint of a synced table meets the same value written on two nodes. */
        public Builder uniqueCollision(UniqueCollisionPolicy policy) {
            uniquePolicies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** The clock for versions and peer health (tests move it); default the system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Installs the store (idempotent: run it on every start), starts the node and returns it running.
         *
         * @throws dev.peersync.core.store.SyncSetupException when a table does not exist or has no primary key
         *                                                    (nothing is installed then)
         */
        public PeerSync start() {
            if (tables.isEmpty()) {
                throw new IllegalStateException("No tables to sync: call tables(...) before start()");
            }
            Deque<AutoCloseable> started = new ArrayDeque<>();
            try {
                SyncStore store = PgSyncStore.install(dataSource, storeSettings());
                String name = nodeName != null ? nodeName : defaultName();
                boolean protectedMode = clusterSecret == null;
                String host = bindHost != null ? bindHost : protectedMode ? "127.0.0.1" : "0.0.0.0";
                NettyPeerTransport transport = new NettyPeerTransport(NettyTransportSettings.builder(clusterId)
                        .bindHost(host).port(p2pPort).clusterSecret(clusterSecret).build());
                PeerDirectory directory = new PeerDirectory(store.nodeId(), clock);
                SyncEngine engine = new SyncEngine(store, transport, directory,
                        EngineSettings.builder(name).clusterId(clusterId).syncInterval(syncInterval).build(), clock);
                started.push(engine);
                listeners.forEach(engine::addListener);
                InetSocketAddress bound = engine.start();
                if (discovery) {
                    UdpDiscovery udp = new UdpDiscovery(DiscoverySettings.builder(
                                    new LocalNode(store.nodeId(), name, 0, bound.getPort(), version()))
                            .clusterId(clusterId)
                            .port(discoveryPort)
                            .targetPorts(discoveryTargetPorts)
                            .secret(Optional.ofNullable(clusterSecret)
                                    .map(b -> new String(b, StandardCharsets.UTF_8)))
                            .bindHost(protectedMode ? "127.0.0.1" : "0.0.0.0").build(), clock);
                    udp.start(directory);
                    started.push(udp);
                }
                AddressedPeers addressed = new AddressedPeers(transport, directory);
                started.push(addressed);
                peers.forEach(p -> addressed.add(AddressedPeers.parse(p)));
                log.info("PeerSync node {} ({}) syncing {} on {}{}", name, store.nodeId(), store.tables(), bound,
                        protectedMode ? " (protected mode: this host only; set a cluster secret to sync with others)"
                                : "");
                return new PeerSync(engine, addressed, started);
            } catch (RuntimeException | Error e) {
                while (!started.isEmpty()) {
                    try {
                        started.pop().close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private StoreSettings storeSettings() {
            StoreSettings.Builder settings = StoreSettings.builder(List.copyOf(tables));
            if (schema != null) {
                settings.schema(schema);
            }
            uniquePolicies.forEach(settings::uniquePolicy);
            return settings.build();
        }

        private static String defaultName() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "peersync";
            }
        }

        private static String version() {
            String v = PeerSync.class.getPackage().getImplementationVersion();
            return v == null ? "" : v;
        }
    }
}
