package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.store.SyncStore;
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

    /** One answer per request type of {@link PeerRequest}; {@code LocalServiceTest} checks none is missing. */
    @Override
    @SuppressWarnings("unchecked") // each request type fixes its answer's type, which the branch returns
    public <R> R serve(NodeId requester, PeerRequest<R> request) {
        if (request instanceof PullRequest pull) {
            return (R) pull(requester, pull);
        } else if (request instanceof SnapshotRequest snapshot) {
            return (R) snapshot(requester, snapshot);
        } else if (request instanceof PeerRequest.Digest digest) {
            return (R) store.digest(digest.table());
        } else if (request instanceof PeerRequest.BucketHashes hashes) {
            return (R) store.bucketHashes(hashes.table());
        } else if (request instanceof PeerRequest.RangeDigests ranges) {
            return (R) store.rangeDigests(ranges.table(), ranges.ranges());
        } else if (request instanceof PeerRequest.RangeVersions versions) {
            return (R) store.rangeVersions(versions.table(), versions.request());
        } else if (request instanceof PeerRequest.FetchRows fetch) {
            return (R) store.fetchRows(fetch.table(), fetch.pks());
        }
        throw new UnsupportedOperationException("no answer to " + request.getClass().getSimpleName());
    }

    private ChangeBatch pull(NodeId requester, PullRequest request) {
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

    private SnapshotPage snapshot(NodeId requester, SnapshotRequest request) {
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
