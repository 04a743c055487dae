package dev.peersync.node.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The validated configuration of one node (see {@link Setting} for what each value means).
 *
 * @param nodeName           the configured name; empty when it is to be generated once and then kept
 * @param database           the external database; empty for the embedded one
 * @param jwtSecretGenerated true when no JWT_SECRET was given and {@code jwtSecret} is random for this run
 * @param embeddedPgPort     port of the embedded PostgreSQL, 0 for a free one
 * @param clockOffset        added to this node's clock (diagnostic skew; zero in production)
 * @param network            where the node listens and announces, TLS, CORS
 * @param tombstones         how long tombstones are kept and how often they are collected
 * @param conflictRetention  how long the conflict log keeps an entry
 */
public record NodeConfig(int apiPort, int p2pPort, int discoveryPort, Optional<String> nodeName,
                         boolean p2pSyncEnabled, boolean autoDiscoveryEnabled, Duration syncInterval,
                         Optional<DatabaseUrl> database, Optional<String> clusterSecret, String clusterId,
                         String jwtSecret, boolean jwtSecretGenerated, Optional<String> adminToken, Path dataDir,
                         Duration maxClockOffset, List<Integer> discoveryPeerPorts, int embeddedPgPort,
                         Duration clockOffset, NetworkConfig network, Tombstones tombstones,
                         Duration conflictRetention, Logging logging, Optional<Path> siteMigrations) {

    /** The log's root level ({@code ERROR} ... {@code TRACE}) and whether it is written as JSON lines. */
    public record Logging(String level, boolean json) {
        public Logging {
            Objects.requireNonNull(level, "level");
        }

        public static Logging defaults() {
            return new Logging("INFO", false);
        }
    }

    /** Tombstone retention (also the gc_grace limit: a peer away longer rejoins by snapshot) and collection period. */
    public record Tombstones(Duration retention, Duration interval) {
        public Tombstones {
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(interval, "interval");
        }
    }

    public NodeConfig {
        Objects.requireNonNull(tombstones, "tombstones");
        Objects.requireNonNull(conflictRetention, "conflictRetention");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(clockOffset, "clockOffset");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(syncInterval, "syncInterval");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(clusterSecret, "clusterSecret");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(jwtSecret, "jwtSecret");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(maxClockOffset, "maxClockOffset");
        discoveryPeerPorts = List.copyOf(discoveryPeerPorts);
    }

    /**
     * "hmac" when a cluster secret authenticates peers; "protected" without one: only peers on this host
     * (loopback) may sync.
     */
    public String authMode() {
        return clusterSecret.isPresent() ? "hmac" : "protected";
    }

    /** Protected mode: no cluster secret, so P2P and discovery serve loopback peers only. */
    public boolean protectedMode() {
        return clusterSecret.isEmpty();
    }

    /** Ports discovery announcements go to: the configured list, or this node's port plus the guide's layout. */
    public List<Integer> effectiveDiscoveryPeerPorts() {
        if (!discoveryPeerPorts.isEmpty()) {
            return discoveryPeerPorts;
        }
        return Stream.of(discoveryPort, 8002, 8004, 8006).distinct().toList();
    }

    @Override
    public String toString() {
        // Secrets never reach a log line.
        return "NodeConfig[apiPort=" + apiPort + ", p2pPort=" + p2pPort + ", discoveryPort=" + discoveryPort
                + ", nodeName=" + nodeName.orElse("(generated)") + ", p2pSync=" + p2pSyncEnabled
                + ", autoDiscovery=" + autoDiscoveryEnabled + ", syncInterval=" + syncInterval.toSeconds() + "s"
                + ", database=" + database.map(DatabaseUrl::redacted).orElse("embedded in " + dataDir)
                + ", auth=" + authMode() + ", clusterId=" + clusterId
                + ", jwtSecret=" + (jwtSecretGenerated ? "generated" : "set")
                + ", adminToken=" + (adminToken.isPresent() ? "set" : "none")
                + ", maxClockOffset=" + maxClockOffset.toMillis() + "ms"
                + ", discoveryPeerPorts=" + effectiveDiscoveryPeerPorts()
                + ", " + network
                + (clockOffset.isZero() ? "" : ", clockOffset=" + clockOffset.toMillis() + "ms") + "]";
    }
}
