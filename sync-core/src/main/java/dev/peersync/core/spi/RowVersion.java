package dev.peersync.core.spi;

import dev.peersync.core.NodeId;

/**
 * The sync metadata of one row, without its data: what anti-entropy compares inside a digest range.
 *
 * @param derived true when the row's data here is a derived effect made without a new version (a foreign key's
 *                ON DELETE SET NULL, after its parent was deleted here): the row as written with that same
 *                version beats it, so a child nulled by a delete that lost to a concurrent update gets its
 *                reference back. Its stored hash is {@link DigestHash#storedHash}.
 */
public record RowVersion(String pk, long hlc, NodeId origin, boolean deleted, boolean derived) {
    /** A version as written (not derived). */
    public RowVersion(String pk, long hlc, NodeId origin, boolean deleted) {
        this(pk, hlc, origin, deleted, false);
    }
}
