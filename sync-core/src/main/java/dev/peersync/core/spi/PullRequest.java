package dev.peersync.core.spi;

import java.util.List;

/**
 * "Changes for these tables after this cursor, at most this many rows."
 *
 * @param tables      synced table names the puller wants
 * @param cursor      opaque position from the previous {@link ChangeBatch#nextCursor()}, or empty for the start
 * @param maxRows     upper bound on rows in the answer (the server may return fewer, and caps it too)
 * @param heldCursors the puller's own cursors on other nodes' feeds (at most {@link #MAX_HELD_CURSORS}): a version
 *                    that one of those nodes wrote and that the puller's cursor on that node's feed has already
 *                    passed is left out of the answer, so in a mesh each row is applied once per node and relayed
 *                    only to nodes that have not had it from its origin (see docs/sync-core.md, "Relay")
 * @param estimate    true: the answer also estimates the rows still waiting after it, per table
 *                    ({@link ChangeBatch#remaining()}; costs the server an index count, so asked now and then)
 */
public record PullRequest(List<String> tables, String cursor, int maxRows, List<String> heldCursors,
                          boolean estimate) implements PeerRequest<ChangeBatch> {
    public static final int MAX_HELD_CURSORS = 64;

    public PullRequest {
        tables = List.copyOf(tables);
        cursor = cursor == null ? "" : cursor;
        heldCursors = heldCursors == null ? List.of() : List.copyOf(heldCursors);
        if (maxRows <= 0) {
            throw new IllegalArgumentException("maxRows must be positive, got: " + maxRows);
        }
        if (heldCursors.size() > MAX_HELD_CURSORS) {
            throw new IllegalArgumentException("at most " + MAX_HELD_CURSORS + " held cursors, got: "
                    + heldCursors.size());
        }
    }

    public PullRequest(List<String> tables, String cursor, int maxRows, List<String> heldCursors) {
        this(tables, cursor, maxRows, heldCursors, false);
    }

    /** A pull that holds nothing from other origins: every version the peer has is sent. */
    public PullRequest(List<String> tables, String cursor, int maxRows) {
        this(tables, cursor, maxRows, List.of(), false);
    }
}
