package dev.peersync.transport.netty.support;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import java.util.List;

/** The transport tests' fake nodes answer each request type in a method of its own; unanswered types are refused. */
public abstract class TypedSyncService implements LocalSyncService {

    @Override
    @SuppressWarnings("unchecked") // each request type fixes its answer's type, which the branch returns
    public final <R> R serve(NodeId requester, PeerRequest<R> request) {
        if (request instanceof PullRequest pull) {
            return (R) pull(requester, pull);
        } else if (request instanceof SnapshotRequest snapshot) {
            return (R) snapshot(requester, snapshot);
        } else if (request instanceof PeerRequest.Digest digest) {
            return (R) digest(digest.table());
        } else if (request instanceof PeerRequest.BucketHashes hashes) {
            return (R) bucketHashes(hashes.table());
        } else if (request instanceof PeerRequest.RangeDigests ranges) {
            return (R) rangeDigests(ranges.table(), ranges.ranges());
        } else if (request instanceof PeerRequest.RangeVersions versions) {
            return (R) rangeVersions(versions.table(), versions.request());
        } else if (request instanceof PeerRequest.FetchRows fetch) {
            return (R) fetchRows(fetch.table(), fetch.pks());
        }
        throw new UnsupportedOperationException("no answer to " + request.getClass().getSimpleName());
    }

    public abstract ChangeBatch pull(NodeId requester, PullRequest request);

    public abstract TableDigest digest(String table);

    public abstract List<Long> bucketHashes(String table);

    public abstract List<RangeDigest> rangeDigests(String table, List<DigestRange> ranges);

    public abstract VersionPage rangeVersions(String table, VersionsRequest request);

    public abstract List<RowChange> fetchRows(String table, List<String> pks);

    public SnapshotPage snapshot(NodeId requester, SnapshotRequest request) {
        throw new UnsupportedOperationException("this node does not serve snapshot pages");
    }
}
