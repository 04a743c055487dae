package dev.peersync.core.store;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The database side of sync: change capture, the change feed, apply with the merge rule, digests.
 * The sync engine drives it; it knows nothing about peers' addresses or transports.
 *
 * <p>Every method runs its own database transaction(s) and returns bounded results.
 */
public interface SyncStore {

    /** This node's id, generated once at install and kept in the database. */
    NodeId nodeId();

    /** The synced tables, parents before children by the foreign-key graph. */
    List<String> tables();

    /** Hash of the synced tables' column names and types, in table order: peers must agree on it. */
    String schemaFingerprint();

    /**
     * Local changes after the request's cursor (server side of a pull). The cursor the requester sends
     * acknowledges everything before it, which is recorded for tombstone collection.
     */
    ChangeBatch readChanges(NodeId requester, PullRequest request);

    /** The cursor stored with the last batch applied from {@code peer}; empty when none. */
    String cursor(NodeId peer);

    /**
     * Applies a batch pulled from {@code peer} and stores {@code nextCursor} for that peer, in one transaction.
     * Higher version wins; rows that cannot be applied are parked, never block the batch.
     */
    ApplyResult applyBatch(NodeId peer, List<RowChange> changes, String nextCursor);

    /** Applies rows outside the feed (anti-entropy repair, a peer's pushed rows) with the same rules. */
    ApplyResult applyRows(NodeId peer, List<RowChange> changes);

    /** Retries parked rows; applied or superseded ones leave the parking table. */
    ApplyResult retryParked();

    /** Number of rows waiting in the parking table. */
    long parkedCount();

    TableDigest digest(String table);

    List<String> bucketHashes(String table);

    List<RowVersion> bucketRows(String table, int bucket, String afterPk, int limit);

    /** Current rows or tombstones for the given primary keys (keys with no metadata are left out). */
    List<RowChange> fetchRows(String table, List<String> pks);

    /** Current live rows ordered by primary key, after {@code afterPk} (empty for the start), at most {@code limit}. */
    List<RowChange> scanRows(String table, String afterPk, int limit);

    /** The current hybrid-logical-clock value of this node (a read: it does not tick). */
    long currentHlc();

    /**
     * Deletes tombstones older than {@code minAge} that every peer in {@code peers} has acknowledged.
     * Returns how many were removed.
     */
    int collectTombstones(Collection<NodeId> peers, Duration minAge);
}
