package dev.peersync.core.store;

import java.time.Instant;

/**
 * Which conflict log entries to list, newest first.
 *
 * @param table    only this table (null: all)
 * @param type     only this type (null: all)
 * @param since    only entries at or after this instant (null: all kept)
 * @param beforeId only entries older than this id, the {@code id} of the last entry of the previous page (null: from
 *                 the newest)
 * @param limit    at most this many, 1 to {@link #MAX_LIMIT}
 */
public record ConflictQuery(String table, String type, Instant since, Long beforeId, int limit) {
    public static final int MAX_LIMIT = 500;

    public ConflictQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in [1, " + MAX_LIMIT + "], got: " + limit);
        }
    }
}
