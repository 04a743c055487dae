package dev.peersync.core.spi;

import java.util.List;

/**
 * "Changes for these tables after this cursor, at most this many rows."
 *
 * @param tables  synced table names the puller wants
 * @param cursor  opaque position from the previous {@link ChangeBatch#nextCursor()}, or empty for the start
 * @param maxRows upper bound on rows in the answer (the server may return fewer, and caps it too)
 */
public record PullRequest(List<String> tables, String cursor, int maxRows) {
    public PullRequest {
        tables = List.copyOf(tables);
        cursor = cursor == null ? "" : cursor;
        if (maxRows <= 0) {
            throw new IllegalArgumentException("maxRows must be positive, got: " + maxRows);
        }
    }
}
