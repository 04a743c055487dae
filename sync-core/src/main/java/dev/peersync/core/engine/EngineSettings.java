package dev.peersync.core.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How the sync engine behaves. Build with {@link #defaults(String)} and the {@code with...} methods.
 *
 * @param clusterId           nodes sync only inside one cluster
 * @param nodeName            display name sent to peers
 * @param apiPort             this node's HTTP API port, told to peers (0 when none)
 * @param softwareVersion     told to peers
 * @param syncInterval        fallback period of pull rounds (push notifications make sync real-time)
 * @param antiEntropyInterval period of digest comparison with each peer (the backstop)
 * @param pullBatchRows       rows asked for per pull request
 * @param requestTimeout      longest wait for one peer request
 * @param pushDebounce        local commits within this window are announced to peers once
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

    /** Production defaults: 30 s fallback interval, anti-entropy every 60 s, 1000-row pulls. */
    public static EngineSettings defaults(String nodeName) {
        return new EngineSettings("default", nodeName, 0, "", Duration.ofSeconds(30), Duration.ofSeconds(60), 1000,
                Duration.ofSeconds(30), Duration.ofMillis(5), Duration.ofDays(7), Duration.ofMinutes(10), true);
    }

    public EngineSettings withClusterId(String value) {
        return new EngineSettings(value, nodeName, apiPort, softwareVersion, syncInterval, antiEntropyInterval,
                pullBatchRows, requestTimeout, pushDebounce, tombstoneMinAge, tombstoneInterval, enabled);
    }

    public EngineSettings withApiPort(int value) {
        return new EngineSettings(clusterId, nodeName, value, softwareVersion, syncInterval, antiEntropyInterval,
                pullBatchRows, requestTimeout, pushDebounce, tombstoneMinAge, tombstoneInterval, enabled);
    }

    public EngineSettings withSoftwareVersion(String value) {
        return new EngineSettings(clusterId, nodeName, apiPort, value, syncInterval, antiEntropyInterval,
                pullBatchRows, requestTimeout, pushDebounce, tombstoneMinAge, tombstoneInterval, enabled);
    }

    public EngineSettings withSyncInterval(Duration value) {
        return new EngineSettings(clusterId, nodeName, apiPort, softwareVersion, value, antiEntropyInterval,
                pullBatchRows, requestTimeout, pushDebounce, tombstoneMinAge, tombstoneInterval, enabled);
    }

    public EngineSettings withAntiEntropyInterval(Duration value) {
        return new EngineSettings(clusterId, nodeName, apiPort, softwareVersion, syncInterval, value,
                pullBatchRows, requestTimeout, pushDebounce, tombstoneMinAge, tombstoneInterval, enabled);
    }

    public EngineSettings withPullBatchRows(int value) {
        return new EngineSettings(clusterId, nodeName, apiPort, softwareVersion, syncInterval, antiEntropyInterval,
                value, requestTimeout, pushDebounce, tombstoneMinAge, tombstoneInterval, enabled);
    }

    public EngineSettings withRequestTimeout(Duration value) {
        return new EngineSettings(clusterId, nodeName, apiPort, softwareVersion, syncInterval, antiEntropyInterval,
                pullBatchRows, value, pushDebounce, tombstoneMinAge, tombstoneInterval, enabled);
    }

    public EngineSettings withTombstones(Duration minAge, Duration interval) {
        return new EngineSettings(clusterId, nodeName, apiPort, softwareVersion, syncInterval, antiEntropyInterval,
                pullBatchRows, requestTimeout, pushDebounce, minAge, interval, enabled);
    }

    public EngineSettings withEnabled(boolean value) {
        return new EngineSettings(clusterId, nodeName, apiPort, softwareVersion, syncInterval, antiEntropyInterval,
                pullBatchRows, requestTimeout, pushDebounce, tombstoneMinAge, tombstoneInterval, value);
    }
}
