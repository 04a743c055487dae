package dev.peersync.core.store;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SchemaShape;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The database side of sync: change capture, the change feed, apply with the merge rule, digests.
 * The sync engine drives it; it knows nothing about peers' addresses or transports.
 *
 * <p>Every method runs its own database transaction(s) and returns bounded results.
 */
public interface SyncStore {
    /** The cause {@link #listenForCommits} reports for a local write; any other cause is a peer's node id. */
    String LOCAL_WRITE = "";

    /**
     * Calls {@code onCommit}, on a thread of the store's, each time transactions that changed synced tables commit,
     * from any client: with the causes, {@link #LOCAL_WRITE} for local writes and a peer's node id for rows applied
     * from that peer. It also reports a local write whenever listening (re)starts, since a commit may have happened
     * meanwhile. This is what lets the engine push changes to peers at once. Closing the handle stops it.
     */
    Subscription listenForCommits(java.util.function.Consumer<java.util.Set<String>> onCommit);

    /** What {@link #listenForCommits} returns: closing it stops the calls. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }


    /** This node's id, generated once at install and kept in the database. */
    NodeId nodeId();

    /**
     * The id this node's database carried before its current one, when it was given a new one (restored into another
     * PostgreSQL cluster, or cloned): peers follow this node's feed from its current position, since what it held
     * before came from a node they know.
     */
    default java.util.Optional<NodeId> predecessor() {
        return java.util.Optional.empty();
    }

    /** The synced tables, parents before children by the foreign-key graph. */
    List<String> tables();

    /** The synced tables' columns as they are now (announced to peers, who compare them with theirs). */
    SchemaShape schemaShape();

    /**
     * Follows a change of the synced tables' columns made while running (a migration adding a column): capture,
     * feed and apply use the new columns from then on. Cheap when nothing changed; true when something did.
     */
    default boolean refreshSchema() {
        return false;
    }

    /**
     * Local changes after the request's cursor (server side of a pull). The cursor the requester sends
     * acknowledges everything before it, which is recorded for tombstone collection.
     */
    ChangeBatch readChanges(NodeId requester, PullRequest request);

    /** The cursor stored with the last batch applied from {@code peer}; empty when none. */
    String cursor(NodeId peer);

    /**
     * The stored cursors that say what this node holds of their peer's own writes: all of them, except one stored
     * after a join by snapshot from another peer ({@link #markCursorHolds}). A pull from one peer sends the others
     * as {@link PullRequest#heldCursors()}, so that peer leaves out what this node already holds from its origin.
     */
    Map<NodeId, String> heldCursors();

    /**
     * Whether {@code peer}'s cursor says what this node holds of that peer's writes. A cursor that jumped to the
     * peer's current position (this node joined another peer by snapshot) does not, until an anti-entropy pass with
     * the peer finds every table equal.
     */
    void markCursorHolds(NodeId peer, boolean holds);

    /**
     * Applies a batch pulled from {@code peer} and stores {@code nextCursor} for that peer, in one transaction.
     * Higher version wins; rows that cannot be applied are parked, never block the batch.
     */
    ApplyResult applyBatch(NodeId peer, List<RowChange> changes, String nextCursor);

    /**
     * Opens one database transaction for several batches pulled from {@code peer}: the engine uses it while the feed
     * says a source transaction goes on in the next batch ({@link ChangeBatch#midTransaction()}).
     */
    ApplyTransaction beginApply(NodeId peer);

    /** Applies rows outside the feed (anti-entropy repair, a peer's pushed rows) with the same rules. */
    ApplyResult applyRows(NodeId peer, List<RowChange> changes);

    /** Retries parked rows; applied or superseded ones leave the parking table. */
    ApplyResult retryParked();

    /** Number of rows waiting in the parking table. */
    long parkedCount();

    /** This node's conflict log, newest first (see {@link ConflictRecord}). */
    java.util.List<ConflictRecord> conflicts(ConflictQuery query);

    /** Deletes conflict log entries older than {@link StoreSettings#conflictRetention()}; returns how many. */
    int pruneConflicts();

    /** Root hash and counts of a synced table: reads the bucket hashes and the changes since the last call. */
    TableDigest digest(String table);

    /** Every bucket's hash, bucket 0 first. */
    List<Long> bucketHashes(String table);

    /**
     * The children of each range, in the order asked (at most {@link DigestRange#MAX_RANGES_PER_REQUEST}); reads
     * the rows of the ranges' buckets. Refuses a range whose bucket is not below the bucket count, or of
     * {@link DigestRange#MAX_DEPTH}, with an {@link IllegalArgumentException} naming it.
     */
    List<RangeDigest> rangeDigests(String table, List<DigestRange> ranges);

    /** Row versions in the request's ranges, ordered by pk, after its {@code afterPk}, without its known hashes. */
    VersionPage rangeVersions(String table, VersionsRequest request);

    /** Current rows or tombstones for the given primary keys (keys with no metadata are left out). */
    List<RowChange> fetchRows(String table, List<String> pks);

    /**
     * True when no synced table holds a row or a version (live or deleted): a node that has never written nor
     * synced, which may load peers' snapshots instead of replaying their feeds.
     */
    boolean isEmpty();

    /** The columns a snapshot of {@code table} is asked for: its writable columns, key columns included. */
    List<String> snapshotColumns(String table);

    /**
     * One page of a table's snapshot (server side), bounded by the request, the server's row cap and a byte cap. Its
     * feed cursor carries {@code requester}'s receipt (none when null), and the page tells the table's tombstone
     * collection horizon.
     */
    SnapshotPage readSnapshot(NodeId requester, SnapshotRequest request);

    /** A page with no requester named: its cursor acknowledges nothing when sent back. */
    default SnapshotPage readSnapshot(SnapshotRequest request) {
        return readSnapshot(null, request);
    }

    /**
     * Loads one snapshot page from {@code peer} in one transaction, with the versions it carries: as new rows by
     * bulk inserts when every key is absent here, through the merge rule (skip, win, park) otherwise, so a key
     * written here meanwhile or a child whose parent is not here yet is settled like in a feed batch. Throws (and
     * loads nothing) only for a page that does not parse or does not hold the rows it announces. Pages of one table
     * (disjoint key ranges) may be loaded concurrently; applies wait for page loads and page loads for applies.
     */
    ApplyResult loadSnapshotPage(NodeId peer, String table, SnapshotPage page);

    /**
     * Loads one page of a rejoin snapshot (see {@link #loadSnapshotPage}) that follows {@code afterPk} (empty for the
     * first page), then drops, without tombstones, the keys held here in the page's range that the page lacks and that
     * {@code peer} deleted and no longer holds a tombstone for (the gc_grace rule: below {@link SnapshotPage#gcHorizon()},
     * of another origin or pulled by the peer). Writes of this node the peer never pulled stay.
     */
    ApplyResult rejoinSnapshotPage(NodeId peer, String table, String afterPk, SnapshotPage page);

    /**
     * True when this node refuses {@code peer}'s pulls until it rejoins by snapshot: it was away longer than the
     * tombstone retention and missed deletes that are collected. Anti-entropy with it waits as well: its stale rows
     * would come back.
     */
    boolean isExpired(NodeId peer);

    /** Stores the feed cursor of {@code peer} without applying anything (after a snapshot join). */
    void storeCursor(NodeId peer, String cursor);

    /** Current live rows ordered by primary key, after {@code afterPk} (empty for the start), at most {@code limit}. */
    List<RowChange> scanRows(String table, String afterPk, int limit);

    /** The current hybrid-logical-clock value of this node (a read: it does not tick). */
    long currentHlc();

    /**
     * Deletes tombstones older than {@code minAge} that every peer in {@code peers}, and every peer this node has ever
     * synced with (pulled from, or served a pull to) and not forgotten ({@link #forgetPeer}), has acknowledged; a
     * persisted peer with no contact for longer than {@code absentLimit} is not waited for, and is marked expired
     * ({@link #isExpired}) when it misses a tombstone that goes. Returns how many were removed.
     */
    int collectTombstones(Collection<NodeId> peers, Duration minAge, Duration absentLimit);

    /**
     * Forgets a peer for good: tombstone collection no longer waits for its acknowledgements, and a pull from it
     * starts over. For a peer that is gone and will not come back (one that does come back rejoins as new).
     */
    void forgetPeer(NodeId peer);
}
