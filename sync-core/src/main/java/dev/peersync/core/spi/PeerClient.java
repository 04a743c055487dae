package dev.peersync.core.spi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The calls a node makes on one peer. One connection per peer is opened on first use, reused for all
 * traffic and reopened (with backoff) after it drops. Every future completes exceptionally with
 * {@link PeerUnavailableException} when the peer cannot be reached or a request times out.
 */
public interface PeerClient {

    PeerAddress address();

    /** Connects (if not connected) and returns the peer's handshake. */
    CompletableFuture<NodeHello> hello();

    CompletableFuture<ChangeBatch> pull(PullRequest request);

    CompletableFuture<TableDigest> digest(String table);

    /** See {@link LocalSyncService#bucketHashes}. */
    CompletableFuture<List<Long>> bucketHashes(String table);

    /** See {@link LocalSyncService#rangeDigests}. */
    CompletableFuture<List<RangeDigest>> rangeDigests(String table, List<DigestRange> ranges);

    /** See {@link LocalSyncService#rangeVersions}. */
    CompletableFuture<VersionPage> rangeVersions(String table, VersionsRequest request);

    CompletableFuture<List<RowChange>> fetchRows(String table, List<String> pks);

    /**
     * See {@link LocalSyncService#snapshot}. Optional: a client without it fails the future, and a joining node
     * then catches up through the change feed.
     */
    default CompletableFuture<SnapshotPage> snapshot(SnapshotRequest request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this transport does not carry snapshot pages"));
    }

    /** Round-trip time of a ping. */
    CompletableFuture<Duration> ping();

    /** Fire-and-forget "I have new changes". Dropped silently when not connected. */
    void notifyChanges();

    boolean isConnected();
}
