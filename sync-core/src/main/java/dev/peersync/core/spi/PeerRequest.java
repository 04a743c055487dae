package dev.peersync.core.spi;

import dev.peersync.core.NodeId;
import java.util.List;

/**
 * The one table of what a node may ask a peer, each request naming the type of its answer {@code R}. A client sends
 * any of them with {@link PeerClient#call}; a node answers them all in {@link LocalSyncService#serve}; a transport
 * gives each a message type. A new request type is a record here, its answer in the engine's service, and its row in
 * the transport's message table: three files. A {@link Server} answers each type in a method of its own, so the compiler
 * names every server that lacks an answer to a new type.
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

    /** Answers every request type, one method each; {@link #serve} routes a request to its method. */
    interface Server {
        ChangeBatch pull(NodeId requester, PullRequest request);

        SnapshotPage snapshot(NodeId requester, SnapshotRequest request);

        TableDigest digest(NodeId requester, Digest request);

        List<Long> bucketHashes(NodeId requester, BucketHashes request);

        List<RangeDigest> rangeDigests(NodeId requester, RangeDigests request);

        VersionPage rangeVersions(NodeId requester, RangeVersions request);

        List<RowChange> fetchRows(NodeId requester, FetchRows request);
    }

    /** The answer of {@code server} to {@code request}: the one place that routes a request type to its method. */
    @SuppressWarnings("unchecked") // each request type fixes its answer's type, which its method returns
    static <R> R serve(Server server, NodeId requester, PeerRequest<R> request) {
        if (request instanceof PullRequest r) {
            return (R) server.pull(requester, r);
        } else if (request instanceof SnapshotRequest r) {
            return (R) server.snapshot(requester, r);
        } else if (request instanceof Digest r) {
            return (R) server.digest(requester, r);
        } else if (request instanceof BucketHashes r) {
            return (R) server.bucketHashes(requester, r);
        } else if (request instanceof RangeDigests r) {
            return (R) server.rangeDigests(requester, r);
        } else if (request instanceof RangeVersions r) {
            return (R) server.rangeVersions(requester, r);
        } else if (request instanceof FetchRows r) {
            return (R) server.fetchRows(requester, r);
        }
        throw new IllegalStateException("PeerRequest permits no " + request.getClass()); // sealed: unreachable
    }
}
