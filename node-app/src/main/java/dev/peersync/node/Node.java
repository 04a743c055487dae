package dev.peersync.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.peersync.node.config.NodeConfig;
import dev.peersync.node.db.NodeDatabase;
import dev.peersync.node.db.NodeNames;
import dev.peersync.node.db.NodeSchema;
import dev.peersync.node.db.NodeSettings;
import dev.peersync.node.http.NodeHttp;
import dev.peersync.node.metrics.SyncMetrics;
import dev.peersync.node.ws.EventHub;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: it composes and owns everything, and {@link #close()} stops it all in reverse order of
 * start, each part with a bounded wait. If starting fails half-way, what was started is stopped again.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final Deque<AutoCloseable> started;
    private final NodeHttp http;
    private final Instant startedAt;

    private Node(NodeConfig config, Deque<AutoCloseable> started, NodeHttp http, Instant startedAt) {
        this.config = config;
        this.started = started;
        this.http = http;
        this.startedAt = startedAt;
    }

    /** Starts a node; on failure everything already started is stopped and the cause is rethrown. */
    public static Node start(NodeConfig requested) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Clock clock = Clock.systemUTC();
            Instant startedAt = clock.instant();
            if (requested.jwtSecretGenerated()) {
                log.warn("JWT_SECRET is not set: using a random secret for this run. Tokens issued here will NOT be "
                        + "accepted by other nodes, nor by this node after a restart. Set the same JWT_SECRET on "
                        + "every node.");
            }
            if (requested.clusterSecret().isEmpty()) {
                log.warn("CLUSTER_SECRET is not set: the cluster is OPEN. Anyone who can reach the P2P and "
                        + "discovery ports can read and write this node's data. Set CLUSTER_SECRET on every node.");
            }
            NodeDatabase database = openDatabase(requested);
            started.push(database);
            NodeSchema.migrate(database.dataSource());
            String name = NodeNames.reconcile(new NodeSettings(database.dataSource()), requested.nodeName(),
                    requested.nodeName().orElseGet(() -> provisionalName(requested)));
            NodeConfig config = requested.withNodeName(name);
            log.info("Node {} starting: {}; database: {}", name, config, database.description());

            ObjectMapper mapper = jsonMapper();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            started.push(registry::close);
            SyncMetrics syncMetrics = new SyncMetrics(registry);
            EventHub hub = new EventHub(mapper, () -> basicStatus(config, startedAt, clock), 256, 500, clock);
            started.push(hub);
            NodeHttp http = NodeHttp.start("0.0.0.0", config.apiPort(), mapper, registry, hub, () -> { }, List.of());
            started.push(http);
            log.info("Node {} serving HTTP on port {} (WebSocket {}, metrics /metrics)", name, http.port(),
                    NodeHttp.WS_PATH);
            return new Node(config, started, http, startedAt);
        } catch (RuntimeException | Error e) {
            closeAll(started);
            throw e;
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

    private static Map<String, Object> basicStatus(NodeConfig config, Instant startedAt, Clock clock) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("node_name", config.nodeName().orElse(""));
        status.put("api_port", config.apiPort());
        status.put("p2p_port", config.p2pPort());
        status.put("discovery_port", config.discoveryPort());
        status.put("uptime_seconds", java.time.Duration.between(startedAt, clock.instant()).toSeconds());
        status.put("auth_mode", config.authMode());
        return status;
    }

    static ObjectMapper jsonMapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public NodeConfig config() {
        return config;
    }

    /** The bound HTTP port (differs from the configured one when that was 0). */
    public int apiPort() {
        return http.port();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Stops everything in reverse order of start. Safe to call twice. */
    @Override
    public void close() {
        log.info("Node {} stopping", config.nodeName().orElse(""));
        closeAll(started);
        log.info("Node {} stopped", config.nodeName().orElse(""));
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
