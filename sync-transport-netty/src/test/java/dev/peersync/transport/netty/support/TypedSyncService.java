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

/** The transport tests' fake nodes answer each request type in a method of its own, by table name. */
public abstract class TypedSyncService implements LocalSyncService, PeerRequest.Server {

    @Override
    public final <R> R serve(NodeId requester, PeerRequest<R> request) {
        return PeerRequest.serve(this, requester, request);
    }

    @Override
    public final TableDigest digest(NodeId requester, PeerRequest.Digest request) {
        return digest(request.table());
    }

    @Override
    public final List<Long> bucketHashes(NodeId requester, PeerRequest.BucketHashes request) {
        return bucketHashes(request.table());
    }

    @Override
    public final List<RangeDigest> rangeDigests(NodeId requester, PeerRequest.RangeDigests request) {
        return rangeDigests(request.table(), request.ranges());
    }

    @Override
    public final VersionPage rangeVersions(NodeId requester, PeerRequest.RangeVersions request) {
        return rangeVersions(request.table(), request.request());
    }

    @Override
    public final List<RowChange> fetchRows(NodeId requester, PeerRequest.FetchRows request) {
        return fetchRows(request.table(), request.pks());
    }

    @Override
    public abstract ChangeBatch pull(NodeId requester, PullRequest request);

    public abstract TableDigest digest(String table);

    public abstract List<Long> bucketHashes(String table);

    public abstract List<RangeDigest> rangeDigests(String table, List<DigestRange> ranges);

    public abstract VersionPage rangeVersions(String table, VersionsRequest request);

    public abstract List<RowChange> fetchRows(String table, List<String> pks);

    @Override
    public SnapshotPage snapshot(NodeId requester, SnapshotRequest request) {
        throw new UnsupportedOperationException("this node does not serve snapshot pages");
    }
}
