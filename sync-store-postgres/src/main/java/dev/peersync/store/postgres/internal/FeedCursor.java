package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import java.util.regex.Pattern;

/**
 * A position in a node's change feed (the PgQ idea). {@code from} and {@code to} are PostgreSQL snapshots:
 * the current range holds the rows whose writing transaction is visible in {@code to} and not in {@code from};
 * {@code (tx, seq)} is the last row already delivered from that range. Everything visible in {@code from} was
 * delivered by earlier ranges, so a peer that sends this cursor acknowledges it.
 *
 * <p>Text form: {@code v1|<node id>|<from>|<to>|<tx>|<seq>}, then the issuer's receipt ({@link CursorReceipts}); the
 * node id ties a cursor to the feed that issued it.
 */
record FeedCursor(NodeId node, String from, String to, String tx, long seq) {
    /** A snapshot in which no transaction is visible: the "from" of the very first range. */
    static final String NOTHING = "1:1:";
    private static final Pattern SNAPSHOT = Pattern.compile("\\d+:\\d+:(\\d+(,\\d+)*)?");
    private static final Pattern XID = Pattern.compile("\\d{1,20}");

    FeedCursor {
        check(SNAPSHOT.matcher(from).matches(), from);
        check(SNAPSHOT.matcher(to).matches(), to);
        check(XID.matcher(tx).matches(), tx);
    }

    static FeedCursor start(NodeId node, String to) {
        return new FeedCursor(node, NOTHING, to, "0", 0);
    }

    /**
     * A cursor at {@code snapshot}: its range (from the snapshot to itself) is empty, and the next one holds
     * exactly the transactions not visible in it. What a snapshot page's reader hands out.
     */
    static FeedCursor at(NodeId node, String snapshot) {
        return new FeedCursor(node, snapshot, snapshot, xmin(snapshot), Long.MIN_VALUE);
    }

    static FeedCursor parse(String text, NodeId expectedNode) {
        FeedCursor cursor = parseAny(text);
        NodeId node = cursor.node();
        if (!node.equals(expectedNode)) {
            throw new IllegalArgumentException("cursor was issued by node " + node + ", not by this node "
                    + expectedNode + ": send an empty cursor to start this node's feed from the beginning");
        }
        return cursor;
    }

    /** A cursor of any node's feed (a requester's held cursor on another origin). */
    static FeedCursor parseAny(String text) {
        String[] parts = text.split("\\|", -1);
        // A seventh part is the issuer's receipt (CursorReceipts): checked by the issuer alone.
        if ((parts.length != 6 && parts.length != 7) || !"v1".equals(parts[0])) {
            throw new IllegalArgumentException("cursor is not a peersync feed cursor (v1|node|from|to|tx|seq), got: "
                    + text);
        }
        try {
            return new FeedCursor(NodeId.parse(parts[1]), parts[2], parts[3], parts[4], Long.parseLong(parts[5]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor has a bad sequence number, got: " + text, e);
        }
    }

    /**
     * SQL that is true when the holder of this cursor already has the version written by transaction {@code otx}
     * (at clock value {@code hlc}) of this cursor's node: the transaction is visible in {@code from}, or it lies in
     * the current range at or before the last delivered position. On the origin a row's feed position is
     * {@code (_tx, _seq)} and capture sets {@code _seq} to the version's hlc, so {@code (otx, hlc)} is that position.
     */
    String holds(String otx, String hlc) {
        return "(pg_visible_in_snapshot(" + otx + ", " + Sql.literal(from) + "::pg_snapshot) OR (pg_visible_in_snapshot("
                + otx + ", " + Sql.literal(to) + "::pg_snapshot) AND (" + otx + ", " + hlc + ") <= ("
                + Sql.literal(tx) + "::xid8, '" + seq + "'::bigint)))";
    }

    boolean isStart() {
        return NOTHING.equals(from);
    }

    FeedCursor after(String lastTx, long lastSeq) {
        return new FeedCursor(node, from, to, lastTx, lastSeq);
    }

    /**
     * The next range: from this range's end to {@code newTo}, positioned before its first row. Every row of that
     * range was written by a transaction not visible in {@code to}, hence at or after {@code to}'s xmin, so the
     * position is {@code (xmin of to, Long.MIN_VALUE)} rather than {@code (0, 0)}: the feed query's row comparison
     * {@code (_tx, _seq) > (tx, seq)} is where PostgreSQL starts its (_tx, _seq) index scan, and from {@code (0, 0)}
     * it would read (and filter out) every entry of the index on each pull of an idle feed, a cost that grew with
     * the table (45 ms at 1,000,000 rows).
     */
    FeedCursor next(String newTo) {
        return new FeedCursor(node, to, newTo, xmin(to), Long.MIN_VALUE);
    }

    /**
     * The same test as {@link #holds(String, String)}, in Java: used to drop relayed rows before an apply. A test
     * checks that the two agree.
     */
    boolean holds(long otx, long hlc) {
        if (otx <= 0) {
            return false;
        }
        if (visible(otx, from)) {
            return true;
        }
        long last = Long.parseUnsignedLong(tx);
        int byTx = Long.compareUnsigned(otx, last);
        return visible(otx, to) && (byTx < 0 || (byTx == 0 && hlc <= seq));
    }

    /** {@code pg_visible_in_snapshot} on the text form {@code xmin:xmax:xip,...}. */
    static boolean visible(long xid, String snapshot) {
        String[] parts = snapshot.split(":", -1);
        long xmin = Long.parseUnsignedLong(parts[0]);
        long xmax = Long.parseUnsignedLong(parts[1]);
        if (Long.compareUnsigned(xid, xmin) < 0) {
            return true;
        }
        if (Long.compareUnsigned(xid, xmax) >= 0) {
            return false;
        }
        if (!parts[2].isEmpty()) {
            for (String inProgress : parts[2].split(",")) {
                if (Long.parseUnsignedLong(inProgress) == xid) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The xmin of a snapshot's text form {@code xmin:xmax:xip,...}. */
    private static String xmin(String snapshot) {
        return snapshot.substring(0, snapshot.indexOf(':'));
    }

    String format() {
        return "v1|" + node + "|" + from + "|" + to + "|" + tx + "|" + seq;
    }

    private static void check(boolean ok, String part) {
        if (!ok) {
            throw new IllegalArgumentException("cursor has a malformed part: " + part);
        }
    }
}
