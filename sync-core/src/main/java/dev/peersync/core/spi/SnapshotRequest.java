package dev.peersync.core.spi;

import java.util.HashSet;
import java.util.List;

/**
 * "The metadata rows of one table in primary-key order after this key, at most this many, with the live rows'
 * values of these columns": one page of a table's snapshot, how an empty node joins without replaying the feed.
 *
 * @param table   a synced table name
 * @param columns the columns the asker will load, by name (its own writable columns; peers agree on them by the
 *                schema fingerprint)
 * @param afterPk key text to start after (a page's {@link SnapshotPage#lastPk()}), empty for the start
 * @param limit   upper bound on rows in the answer (the server may cap it lower)
 */
public record SnapshotRequest(String table, List<String> columns, String afterPk, int limit)
        implements PeerRequest<SnapshotPage> {
    public SnapshotRequest {
        columns = List.copyOf(columns);
        afterPk = afterPk == null ? "" : afterPk;
        if (table == null || table.isEmpty()) {
            throw new IllegalArgumentException("a snapshot request names a table");
        }
        if (columns.isEmpty() || new HashSet<>(columns).size() != columns.size()) {
            throw new IllegalArgumentException("a snapshot request names each column once, at least one, got: "
                    + columns);
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got: " + limit);
        }
    }
}
