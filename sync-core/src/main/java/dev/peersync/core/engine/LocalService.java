package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.PeerRequest;
import java.util.List;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.store.SyncStore;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Answers peers from the local store: the server side of the protocol. */
final class LocalService implements LocalSyncService, PeerRequest.Server {
    private final SyncStore store;
    private final Supplier<NodeHello> hello;
    private final PeerDirectory directory;
    private final TableCounters tables;
    private final Consumer<NodeId> pullFrom;
    private final Consumer<NodeId> compareWith;

    LocalService(SyncStore store, Supplier<NodeHello> hello, PeerDirectory directory, TableCounters tables,
                 Consumer<NodeId> pullFrom, Consumer<NodeId> compareWith) {
        this.store = store;
        this.compareWith = compareWith;
        this.hello = hello;
        this.directory = directory;
        this.tables = tables;
        this.pullFrom = pullFrom;
    }

    @Override
    public NodeHello hello() {
        return hello.get();
    }

    @Override
    public <R> R serve(NodeId requester, PeerRequest<R> request) {
        return PeerRequest.serve(this, requester, request);
    }

    @Override
    public TableDigest digest(NodeId requester, PeerRequest.Digest request) {
        return store.digest(request.table());
    }

    @Override
    public List<Long> bucketHashes(NodeId requester, PeerRequest.BucketHashes request) {
        return store.bucketHashes(request.table());
    }

    @Override
    public List<RangeDigest> rangeDigests(NodeId requester, PeerRequest.RangeDigests request) {
        return store.rangeDigests(request.table(), request.ranges());
    }

    @Override
    public VersionPage rangeVersions(NodeId requester, PeerRequest.RangeVersions request) {
        return store.rangeVersions(request.table(), request.request());
    }

    @Override
    public List<RowChange> fetchRows(NodeId requester, PeerRequest.FetchRows request) {
        return store.fetchRows(request.table(), request.pks());
    }

    @Override
    public ChangeBatch pull(NodeId requester, PullRequest request) {
        ChangeBatch batch = store.readChanges(requester, request);
        if (batch.rewound()) {
            // This database went back in time: what it wrote after its backup is with the requester, and only a
            // comparison of tables finds it (the feed never sends a node its own versions).
            compareWith.accept(requester);
        }
        for (RowChange change : batch.changes()) {
            tables.served(change.table(), 1);
        }
        return batch;
    }

    @Override
    public SnapshotPage snapshot(NodeId requester, SnapshotRequest request) {
        SnapshotPage page = store.readSnapshot(requester, request);
        tables.served(request.table(), page.rows());
        return page;
    }

    @Override
    public void peerConnected(NodeHello peer, String remoteHost) {
        if (peer.p2pPort() > 0) {
            directory.observe(new PeerSighting(peer.nodeId(), peer.nodeName(), remoteHost, peer.apiPort(),
                    peer.p2pPort(), peer.softwareVersion(), PeerOrigin.INBOUND));
        }
    }

    @Override
    public void changesAvailable(NodeId peer) {
        pullFrom.accept(peer);
    }
}
