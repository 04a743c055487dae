package dev.peersync.core.spi;

import dev.peersync.core.NodeId;

/**
 * The sync metadata of one row, without its data: what anti-entropy compares inside a digest range.
 *
 * @param derived true when the row's data here is a derived effect made without a new version (a foreign key's
 *                ON DELETE SET NULL, after its parent was deleted here): the row as written with that same
 *                version beats it, so a child nulled by a delete that lost to a concurrent update gets its
 *                reference back. Its stored hash is {@link DigestHash#storedHash}.
 * @param columns the versions of the columns below the row's ({@link RowChange#columns()}), null when none
 */
public record RowVersion(String pk, long hlc, NodeId origin, boolean deleted, boolean derived, String columns) {
    /** Every column at the row's version. */
    public RowVersion(String pk, long hlc, NodeId origin, boolean deleted, boolean derived) {
        this(pk, hlc, origin, deleted, derived, null);
    }

    /** A version as written (not derived). */
    public RowVersion(String pk, long hlc, NodeId origin, boolean deleted) {
        this(pk, hlc, origin, deleted, false);
    }
}
