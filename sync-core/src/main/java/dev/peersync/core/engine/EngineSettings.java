package dev.peersync.core.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How the sync engine behaves. Build with {@link #builder(String)}; change one setting with {@link #toBuilder()}.
 *
 * @param clusterId           nodes sync only inside one cluster
 * @param nodeName            display name sent to peers
 * @param apiPort             this node's HTTP API port, told to peers (0 when none)
 * @param softwareVersion     told to peers
 * @param syncInterval        fallback period of pull rounds (push notifications make sync real-time)
 * @param antiEntropyInterval period of digest comparison with each peer (the backstop)
 * @param pullBatchRows       rows asked for per pull request (default 2,500: new rows apply at about 75 ms per 1,000
 *                            in pages of 1,000 and 65 ms in pages of 2,500, as an apply's fixed costs spread; larger
 *                            pages gain little more and hold more memory)
 * @param requestTimeout      longest wait for one peer request
 * @param pushDebounce        local commits within this window are announced to peers once (a lone one at once)
 * @param tombstoneMinAge     tombstones younger than this are never collected
 * @param tombstoneInterval   period of tombstone collection
 * @param enabled             false: the engine serves peers but neither pulls nor pushes
 */
public record EngineSettings(String clusterId, String nodeName, int apiPort, String softwareVersion,
                             Duration syncInterval, Duration antiEntropyInterval, int pullBatchRows,
                             Duration requestTimeout, Duration pushDebounce, Duration tombstoneMinAge,
                             Duration tombstoneInterval, boolean enabled) {

    public EngineSettings {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(nodeName, "nodeName");
        softwareVersion = softwareVersion == null ? "" : softwareVersion;
        requirePositive(syncInterval, "syncInterval");
        requirePositive(antiEntropyInterval, "antiEntropyInterval");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(tombstoneMinAge, "tombstoneMinAge");
        requirePositive(tombstoneInterval, "tombstoneInterval");
        Objects.requireNonNull(pushDebounce, "pushDebounce");
        if (pullBatchRows < 1 || pullBatchRows > 100_000) {
            throw new IllegalArgumentException("pullBatchRows must be in 1..100000, got: " + pullBatchRows);
        }
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("apiPort must be in 0..65535, got: " + apiPort);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got: " + d);
        }
    }

    /** Production defaults: 30 s fallback interval, anti-entropy every 60 s, 2,500-row pulls. */
    public static EngineSettings defaults(String nodeName) {
        return new EngineSettings("default", nodeName, 0, "", Duration.ofSeconds(30), Duration.ofSeconds(60), 2500,
                Duration.ofSeconds(30), Duration.ofMillis(5), Duration.ofDays(7), Duration.ofMinutes(10), true);
    }

    /** A builder starting from {@link #defaults(String)}. */
    public static Builder builder(String nodeName) {
        return new Builder(defaults(nodeName));
    }

    /** A builder starting from these settings (to change one of them). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Settings one at a time; {@link #build()} checks them all. */
    public static final class Builder {
        private String clusterId;
        private final String nodeName;
        private int apiPort;
        private String softwareVersion;
        private Duration syncInterval;
        private Duration antiEntropyInterval;
        private int pullBatchRows;
        private Duration requestTimeout;
        private final Duration pushDebounce;
        private Duration tombstoneMinAge;
        private Duration tombstoneInterval;
        private boolean enabled;

        private Builder(EngineSettings from) {
            clusterId = from.clusterId;
            nodeName = from.nodeName;
            apiPort = from.apiPort;
            softwareVersion = from.softwareVersion;
            syncInterval = from.syncInterval;
            antiEntropyInterval = from.antiEntropyInterval;
            pullBatchRows = from.pullBatchRows;
            requestTimeout = from.requestTimeout;
            pushDebounce = from.pushDebounce;
            tombstoneMinAge = from.tombstoneMinAge;
            tombstoneInterval = from.tombstoneInterval;
            enabled = from.enabled;
        }

        public Builder clusterId(String value) {
            clusterId = value;
            return this;
        }

        public Builder apiPort(int value) {
            apiPort = value;
            return this;
        }

        public Builder softwareVersion(String value) {
            softwareVersion = value;
            return this;
        }

        public Builder syncInterval(Duration value) {
            syncInterval = value;
            return this;
        }

        public Builder antiEntropyInterval(Duration value) {
            antiEntropyInterval = value;
            return this;
        }

        public Builder pullBatchRows(int value) {
            pullBatchRows = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        /** Tombstones younger than {@code minAge} are never collected; collection runs every {@code interval}. */
        public Builder tombstones(Duration minAge, Duration interval) {
            tombstoneMinAge = minAge;
            tombstoneInterval = interval;
            return this;
        }

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public EngineSettings build() {
            return new EngineSettings(clusterId, nodeName, apiPort, softwareVersion, syncInterval, antiEntropyInterval,
                    pullBatchRows, requestTimeout, pushDebounce, tombstoneMinAge, tombstoneInterval, enabled);
        }
    }
}
