package dev.peersync.core.spi;

import dev.peersync.core.NodeId;
import java.util.List;

/**
 * What this node answers to its peers. Implemented by the sync engine; served by a {@link PeerTransport}.
 * Every method reads the local database and returns bounded results; none holds a whole table in memory.
 */
public interface LocalSyncService {

    /** This node's identity, sent in the handshake. */
    NodeHello hello();

    /** Changes after the request's cursor, bounded by {@code maxRows} and by the server's own cap. */
    ChangeBatch pull(NodeId requester, PullRequest request);

    /** Root hash and counts of a synced table. */
    TableDigest digest(String table);

    /** All bucket hashes of a synced table ({@link TableDigest#bucketCount()} of them), index = bucket number. */
    List<Long> bucketHashes(String table);

    /**
     * The children of each range (at most {@link DigestRange#MAX_RANGES_PER_REQUEST}), in the order asked. A range
     * whose bucket is not below the bucket count, or that has no children, is refused with an
     * {@link IllegalArgumentException} naming it.
     */
    List<RangeDigest> rangeDigests(String table, List<DigestRange> ranges);

    /** Row versions in some ranges, ordered by pk and bounded, leaving out versions the asker holds. */
    VersionPage rangeVersions(String table, VersionsRequest request);

    /** Current rows (or tombstones) for the given primary keys, as feed rows. */
    List<RowChange> fetchRows(String table, List<String> pks);

    /**
     * One page of a table's snapshot: its rows and tombstones in key order, bounded by rows and bytes. An empty
     * node joins with these instead of replaying the whole feed. Optional: the default refuses.
     */
    default SnapshotPage snapshot(NodeId requester, SnapshotRequest request) {
        throw new UnsupportedOperationException("this node does not serve snapshot pages");
    }

    /**
     * A peer completed the handshake on a connection it opened to us, from {@code remoteHost}. Lets a node
     * that was added by hand on one side only be synced in both directions.
     */
    default void peerConnected(NodeHello peer, String remoteHost) {
    }

    /** A peer says it has new changes: pull from it soon. */
    void changesAvailable(NodeId peer);
}
