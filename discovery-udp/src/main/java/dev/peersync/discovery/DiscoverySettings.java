package dev.peersync.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of {@link UdpDiscovery}. Start from {@link #defaults(LocalNode)} and change what differs; every
 * {@code with...} validates the whole record, so when raising {@code announceInterval} raise
 * {@code freshnessWindow} first.
 *
 * @param enabled          {@code false} (ENABLE_AUTO_DISCOVERY=false): neither announce nor listen
 * @param bindHost         IPv4 address to bind; {@code 0.0.0.0} (the default) is needed to hear broadcasts, a
 *                         loopback address keeps discovery on this host (tests)
 * @param port             DISCOVERY_PORT, the UDP port this node listens on; 0 picks a free one (tests)
 * @param targetPorts      ports announcements are sent to besides {@code port}: the discovery ports other nodes
 *                         of this host or LAN listen on (default: the guide's 8002, 8004, 8006)
 * @param announceInterval time between announcements; also how often peer health is checked
 * @param freshnessWindow  with a secret, announcements whose timestamp is further than this from our clock are
 *                         dropped as stale; must be longer than {@code announceInterval}
 * @param clusterId        only announcements with this cluster id are accepted (1..{@value #MAX_CLUSTER_ID_BYTES}
 *                         bytes of UTF-8)
 * @param secret           CLUSTER_SECRET: when present every announcement carries an HMAC-SHA256 under a key
 *                         derived from it by scrypt, and unsigned, forged, stale or replayed announcements are
 *                         dropped
 * @param local            what this node announces
 * @param networkInterface name of the one interface to announce on and hear from (e.g. {@code lo}, {@code eth1});
 *                         empty for all. Without a secret only loopback is ever used (protected mode)
 * @param peerTtl          a discovered peer silent for this long is forgotten (it comes back when it announces)
 * @param maxPeers         at most this many discovered peers are kept; announcements of new ids beyond it are
 *                         dropped (a flood of invented ids cannot grow the directory)
 */
public record DiscoverySettings(boolean enabled, String bindHost, int port, List<Integer> targetPorts,
                                Duration announceInterval, Duration freshnessWindow, String clusterId,
                                Optional<String> secret, LocalNode local, Optional<String> networkInterface,
                                Duration peerTtl, int maxPeers) {
    public static final int DEFAULT_PORT = 8002;
    /** The discovery ports of the guide's "Test with Multiple Local Instances". */
    public static final List<Integer> DEFAULT_TARGET_PORTS = List.of(8002, 8004, 8006);
    public static final String DEFAULT_CLUSTER_ID = "peersync";
    public static final int MAX_CLUSTER_ID_BYTES = 64;
    public static final Duration DEFAULT_PEER_TTL = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_PEERS = 256;

    public DiscoverySettings {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(announceInterval, "announceInterval");
        Objects.requireNonNull(freshnessWindow, "freshnessWindow");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(networkInterface, "networkInterface");
        Objects.requireNonNull(peerTtl, "peerTtl");
        if (peerTtl.isNegative() || peerTtl.isZero()) {
            throw new IllegalArgumentException("peerTtl must be positive, got: " + peerTtl);
        }
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers must be at least 1, got: " + maxPeers);
        }
        if (bindHost.isBlank()) {
            throw new IllegalArgumentException("bindHost must not be blank, got: '" + bindHost + "'");
        }
        checkPort(port, "port");
        targetPorts = List.copyOf(Objects.requireNonNull(targetPorts, "targetPorts"));
        for (int target : targetPorts) {
            if (target < 1 || target > 65535) {
                throw new IllegalArgumentException("targetPorts must be within 1..65535, got: " + targetPorts);
            }
        }
        if (announceInterval.isNegative() || announceInterval.isZero()) {
            throw new IllegalArgumentException("announceInterval must be positive, got: " + announceInterval);
        }
        if (freshnessWindow.compareTo(announceInterval) <= 0) {
            throw new IllegalArgumentException("freshnessWindow must be longer than announceInterval ("
                    + announceInterval + "), got: " + freshnessWindow);
        }
        if (clusterId.isEmpty()) {
            throw new IllegalArgumentException("clusterId must not be empty");
        }
        LocalNode.checkUtf8Length(clusterId, MAX_CLUSTER_ID_BYTES, "clusterId");
        if (secret.isPresent() && secret.get().isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty when present (use Optional.empty() for none)");
        }
    }

    /**
     * Enabled, bound to {@code 0.0.0.0:8002}, announcing every 2 s to ports 8002, 8004 and 8006, freshness window
     * 30 s, cluster id {@value #DEFAULT_CLUSTER_ID}, no secret.
     */
    public static DiscoverySettings defaults(LocalNode local) {
        return new DiscoverySettings(true, "0.0.0.0", DEFAULT_PORT, DEFAULT_TARGET_PORTS, Duration.ofSeconds(2),
                Duration.ofSeconds(30), DEFAULT_CLUSTER_ID, Optional.empty(), local, Optional.empty(),
                DEFAULT_PEER_TTL, DEFAULT_MAX_PEERS);
    }

    /** A builder starting from {@link #defaults}. */
    public static Builder builder(LocalNode local) {
        return defaults(local).toBuilder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Settings changed one at a time; {@link #build} checks them all. */
    public static final class Builder {
        private boolean enabled;
        private String bindHost;
        private int port;
        private List<Integer> targetPorts;
        private Duration announceInterval;
        private Duration freshnessWindow;
        private String clusterId;
        private Optional<String> secret;
        private LocalNode local;
        private Optional<String> networkInterface;
        private Duration peerTtl;
        private int maxPeers;

        private Builder(DiscoverySettings from) {
            enabled = from.enabled;
            bindHost = from.bindHost;
            port = from.port;
            targetPorts = from.targetPorts;
            announceInterval = from.announceInterval;
            freshnessWindow = from.freshnessWindow;
            clusterId = from.clusterId;
            secret = from.secret;
            local = from.local;
            networkInterface = from.networkInterface;
            peerTtl = from.peerTtl;
            maxPeers = from.maxPeers;
        }

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public Builder bindHost(String value) {
            bindHost = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder targetPorts(List<Integer> value) {
            targetPorts = value;
            return this;
        }

        public Builder announceInterval(Duration value) {
            announceInterval = value;
            return this;
        }

        public Builder freshnessWindow(Duration value) {
            freshnessWindow = value;
            return this;
        }

        public Builder clusterId(String value) {
            clusterId = value;
            return this;
        }

        /** The cluster secret that keys the datagrams' MAC; empty: loopback only (protected mode). */
        public Builder secret(Optional<String> value) {
            secret = value;
            return this;
        }

        public Builder local(LocalNode value) {
            local = value;
            return this;
        }

        /** Announce on and hear from one interface only ({@code lo}, {@code eth1}); empty for all. */
        public Builder networkInterface(Optional<String> value) {
            networkInterface = value;
            return this;
        }

        public Builder peerLimits(Duration ttl, int max) {
            peerTtl = ttl;
            maxPeers = max;
            return this;
        }

        public DiscoverySettings build() {
            return new DiscoverySettings(enabled, bindHost, port, targetPorts, announceInterval, freshnessWindow,
                    clusterId, secret, local, networkInterface, peerTtl, maxPeers);
        }
    }

    /** Protected mode: without a secret anyone could forge announcements, so only this host's are heard. */
    public boolean loopbackOnly() {
        return secret.isEmpty();
    }

    /** Like the record's, but never shows the secret: settings get logged. */
    @Override
    public String toString() {
        return "DiscoverySettings[enabled=" + enabled + ", bindHost=" + bindHost + ", port=" + port + ", targetPorts="
                + targetPorts + ", announceInterval=" + announceInterval + ", freshnessWindow=" + freshnessWindow
                + ", clusterId=" + clusterId + ", secret=" + (secret.isPresent() ? "(set)" : "(none, loopback only)")
                + ", interface=" + networkInterface.orElse("(all)") + ", peerTtl=" + peerTtl + ", maxPeers=" + maxPeers
                + ", local=" + local + "]";
    }

    static void checkPort(int port, String parameter) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(parameter + " must be within 0..65535, got: " + port);
        }
    }
}
