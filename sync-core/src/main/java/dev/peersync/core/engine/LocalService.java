package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import dev.peersync.core.store.SyncStore;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Answers peers from the local store: the server side of the protocol. */
final class LocalService implements LocalSyncService {
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
    public TableDigest digest(String table) {
        return store.digest(table);
    }

    @Override
    public List<Long> bucketHashes(String table) {
        return store.bucketHashes(table);
    }

    @Override
    public List<RangeDigest> rangeDigests(String table, List<DigestRange> ranges) {
        return store.rangeDigests(table, ranges);
    }

    @Override
    public VersionPage rangeVersions(String table, VersionsRequest request) {
        return store.rangeVersions(table, request);
    }

    @Override
    public List<RowChange> fetchRows(String table, List<String> pks) {
        return store.fetchRows(table, pks);
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
