package dev.peersync.core.spi;

/**
 * One page of a table's snapshot, in PostgreSQL's COPY text format so that the joining node loads it with COPY
 * instead of parsing rows one by one. Each line holds, tab-separated: the canonical key text, the version's hlc,
 * its origin node, the deleted flag, a "has data" flag (false for a live version whose row is missing, which the
 * loader leaves out like the feed does), the version's stored hash ({@link DigestHash#storedHash}: a derived version,
 * {@link RowVersion#derived()}, has {@link DigestHash#DERIVED_MARK} flipped), the column versions, then the requested
 * columns in the order asked: the key columns always, the others {@code \N} for a tombstone.
 *
 * @param copy       the lines as UTF-8 bytes, each ending in a newline, in primary-key order (not copied: neither side
 *                   changes the array once the page is made)
 * @param rows       number of lines
 * @param lastPk     key text of the last line (the next request's {@code afterPk}); empty when there are none
 * @param hasMore    true when rows may follow {@code lastPk}
 * @param feedCursor a cursor of the server's change feed taken before this page was read: pulling from the
 *                   cursor of a snapshot's first page delivers every change its pages may lack
 * @param gcHorizon  the server collected tombstones of this table below this version (0: none yet): a key the
 *                   joining node holds below it and the page lacks may have been deleted there (see
 *                   {@code SyncStore.rejoinSnapshotPage})
 */
public record SnapshotPage(byte[] copy, int rows, String lastPk, boolean hasMore, String feedCursor,
                           long gcHorizon) {
    public SnapshotPage {
        copy = copy == null ? new byte[0] : copy;
        lastPk = lastPk == null ? "" : lastPk;
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative, got: " + rows);
        }
    }

    public SnapshotPage(byte[] copy, int rows, String lastPk, boolean hasMore, String feedCursor) {
        this(copy, rows, lastPk, hasMore, feedCursor, 0);
    }

    /** Equal pages hold equal bytes (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotPage p && java.util.Arrays.equals(copy, p.copy) && rows == p.rows
                && lastPk.equals(p.lastPk) && hasMore == p.hasMore && java.util.Objects.equals(feedCursor, p.feedCursor)
                && gcHorizon == p.gcHorizon;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(java.util.Arrays.hashCode(copy), rows, lastPk, hasMore, feedCursor, gcHorizon);
    }

    @Override
    public String toString() {
        return "SnapshotPage[" + copy.length + " bytes, rows=" + rows + ", lastPk=" + lastPk + ", hasMore=" + hasMore
                + ", feedCursor=" + feedCursor + ", gcHorizon=" + gcHorizon + "]";
    }
}
