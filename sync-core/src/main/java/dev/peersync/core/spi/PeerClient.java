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

    /**
     * Sends any request of the table ({@link PeerRequest}) and completes with the peer's answer. A peer that cannot
     * serve it (it refused the request, or does not know the type) fails the future.
     */
    <R> CompletableFuture<R> call(PeerRequest<R> request);

    /** {@link #call} of a {@link PullRequest}. */
    default CompletableFuture<ChangeBatch> pull(PullRequest request) {
        return call(request);
    }

    /** {@link #call} of a {@link PeerRequest.Digest}. */
    default CompletableFuture<TableDigest> digest(String table) {
        return call(new PeerRequest.Digest(table));
    }

    /** {@link #call} of a {@link PeerRequest.BucketHashes}. */
    default CompletableFuture<List<Long>> bucketHashes(String table) {
        return call(new PeerRequest.BucketHashes(table));
    }

    /** {@link #call} of a {@link PeerRequest.RangeDigests}. */
    default CompletableFuture<List<RangeDigest>> rangeDigests(String table, List<DigestRange> ranges) {
        return call(new PeerRequest.RangeDigests(table, ranges));
    }

    /** {@link #call} of a {@link PeerRequest.RangeVersions}. */
    default CompletableFuture<VersionPage> rangeVersions(String table, VersionsRequest request) {
        return call(new PeerRequest.RangeVersions(table, request));
    }

    /** {@link #call} of a {@link PeerRequest.FetchRows}. */
    default CompletableFuture<List<RowChange>> fetchRows(String table, List<String> pks) {
        return call(new PeerRequest.FetchRows(table, pks));
    }

    /** {@link #call} of a {@link SnapshotRequest}: how a joining node loads a table (else it reads the feed). */
    default CompletableFuture<SnapshotPage> snapshot(SnapshotRequest request) {
        return call(request);
    }

    /** Round-trip time of a ping. */
    CompletableFuture<Duration> ping();

    /** Fire-and-forget "I have new changes". Dropped silently when not connected. */
    void notifyChanges();

    boolean isConnected();
}
