package dev.peersync.core.spi;

import dev.peersync.core.NodeId;
import dev.peersync.core.Version;

/**
 * One row of the change feed as it crosses the wire.
 *
 * @param table    the synced table's name as configured (e.g. {@code "reviews"})
 * @param pk       the primary key as a JSON array of its column values in key-column order
 *                 (e.g. {@code ["4b7c..."]}); canonical, so equal keys give equal text
 * @param hlc      hybrid-logical-clock part of the version
 * @param origin   node that wrote this version (second part of the version)
 * @param deleted  true for a tombstone
 * @param data     the whole row as a JSON object (column name to value, types preserved as PostgreSQL's
 *                 {@code to_jsonb} writes them), or {@code null} for a tombstone
 * @param derived  true when the sender's data is a derived effect kept under this version (a foreign key's
 *                 ON DELETE SET NULL, see {@link RowVersion#derived()}): the receiver records it derived too
 * @param originTx the id of the transaction that wrote this version on its origin ({@code xid8}), 0 when unknown
 *                 (rows repaired by anti-entropy or loaded from a snapshot). With it, a relaying node can tell
 *                 whether the requester already holds the version from the origin's own feed (see
 *                 {@link PullRequest#heldCursors()}), and a transaction's rows stay together when relayed.
 * @param columns  the versions of the columns below {@code hlc}/{@code origin} as JSON text in the
 *                 {@link dev.peersync.core.ColumnVersions} form, or {@code null} when every column has the row's version
 *                 (always for a tombstone): the receiver merges the row column by column ({@link dev.peersync.core.MergeRule})
 * @param previous the version this write replaced on its origin (null for a key that was new there, or unknown): a
 *                 receiver holding a version that neither write had seen records a conflict
 */
public record RowChange(String table, String pk, long hlc, NodeId origin, boolean deleted, String data,
                        boolean derived, long originTx, String columns, Version previous) {
    /** Every column at the row's version, the replaced version unknown. */
    public RowChange(String table, String pk, long hlc, NodeId origin, boolean deleted, String data,
                     boolean derived, long originTx) {
        this(table, pk, hlc, origin, deleted, data, derived, originTx, null, null);
    }

    /** The replaced version unknown. */
    public RowChange(String table, String pk, long hlc, NodeId origin, boolean deleted, String data,
                     boolean derived, long originTx, String columns) {
        this(table, pk, hlc, origin, deleted, data, derived, originTx, columns, null);
    }

    /** A row as written (not derived), origin transaction unknown. */
    public RowChange(String table, String pk, long hlc, NodeId origin, boolean deleted, String data) {
        this(table, pk, hlc, origin, deleted, data, false, 0, null, null);
    }

    /** Origin transaction unknown. */
    public RowChange(String table, String pk, long hlc, NodeId origin, boolean deleted, String data,
                     boolean derived) {
        this(table, pk, hlc, origin, deleted, data, derived, 0, null, null);
    }
}
