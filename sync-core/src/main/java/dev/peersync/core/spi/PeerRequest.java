package dev.peersync.core.spi;

import java.util.List;

/**
 * The one table of what a node may ask a peer, each request naming the type of its answer {@code R}. A client sends
 * any of them with {@link PeerClient#call}; a node answers them all in {@link LocalSyncService#serve}; a transport
 * gives each a message type. A new request type is a record here, its answer in the engine's service, and its row in
 * the transport's message table: three files.
 *
 * @param <R> the answer's type
 */
public sealed interface PeerRequest<R> permits PullRequest, SnapshotRequest, PeerRequest.Digest,
        PeerRequest.BucketHashes, PeerRequest.RangeDigests, PeerRequest.RangeVersions, PeerRequest.FetchRows {

    /** Root hash and counts of a synced table. */
    record Digest(String table) implements PeerRequest<TableDigest> {
    }

    /** All bucket hashes of a synced table ({@link TableDigest#bucketCount()} of them), index = bucket number. */
    record BucketHashes(String table) implements PeerRequest<List<Long>> {
    }

    /**
     * The children of each range (at most {@link DigestRange#MAX_RANGES_PER_REQUEST}), in the order asked. A range
     * whose bucket is not below the bucket count, or that has no children, is refused, naming it.
     */
    record RangeDigests(String table, List<DigestRange> ranges) implements PeerRequest<List<RangeDigest>> {
        public RangeDigests {
            ranges = List.copyOf(ranges);
        }
    }

    /** Row versions in some ranges, ordered by pk and bounded, leaving out versions the asker holds. */
    record RangeVersions(String table, VersionsRequest request) implements PeerRequest<VersionPage> {
    }

    /** Current rows (or tombstones) for the given primary keys, as feed rows. */
    record FetchRows(String table, List<String> pks) implements PeerRequest<List<RowChange>> {
        public FetchRows {
            pks = List.copyOf(pks);
        }
    }
}
