package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the change feed: rows of the metadata tables whose writing transaction lies in the cursor's snapshot
 * range, in (transaction, sequence) order, joined with the current row data. Never skips a transaction that
 * commits after a later-numbered one: it stays outside the range (in the "to" snapshot's in-progress list)
 * until it is visible, and then falls in a later range because it is not visible in that range's "from".
 */
final class ChangeFeed {
    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

    /** A column no write reached, in the text of column versions (see {@code cv_hash}). */
    private static final String NEVER_NODE = Sql.literal("\"" + NodeId.NEVER + "\"");

    private final Map<String, PgTable> tables;
    private final NodeId node;
    private final String schema;

    private final CursorReceipts receipts;
    private final PeerExpiry expiry;
    private final HeldValues heldValues;
    /** A snapshot taken when this store was opened: where a peer whose cursor is ahead of the feed restarts. */
    private final String opened;

    ChangeFeed(Map<String, PgTable> tables, NodeId node, String schema, CursorReceipts receipts, HeldValues held,
               String opened) {
        this.tables = tables;
        this.opened = opened;
        this.heldValues = held;
        this.node = node;
        this.schema = Sql.ident(schema);
        this.receipts = receipts;
        this.expiry = new PeerExpiry(this.schema);
    }

    ChangeBatch read(Handle h, NodeId requester, List<String> names, String cursorText, int maxRows,
                     List<String> heldCursors) {
        List<PgTable> wanted = names.stream().distinct().map(this::table).toList();
        String held = heldFilter(requester, heldCursors);
        FeedCursor cursor = cursorText.isEmpty() ? null : FeedCursor.parse(cursorText, node);
        boolean receipted = cursor != null && receipts.verify(cursorText, requester);
        // The visibility filters defeat row estimates, and with a low estimate the planner would read and sort the
        // whole rest of the range for every page; without sorts it walks the (_tx, _seq) index and stops.
        h.execute(Sql.TRANSACTION_SETTINGS + "; SET LOCAL enable_sort = off");
        boolean ahead = receipted && aheadOfFeed(h, cursor);
        if (expiry.refuses(h, requester, receipted && !ahead ? cursor.from() : null)) {
            return ChangeBatch.rejoinBySnapshot(cursorText); // before the acknowledgement: a refused pull acks nothing
        }
        if (ahead) {
            // Never taken as an acknowledgement: the ids it covers are being handed out again, to other writes.
            log.warn("Peer {} holds a cursor on this node's feed that is ahead of it (snapshot {}): this database went"
                    + " back in time (restored from a base backup?). The peer follows the feed from this node's start and"
                    + " compares tables with it", requester, cursor.to());
            return ChangeBatch.rewoundTo(receipts.sign(FeedCursor.at(node, opened).format(), requester));
        }
        if (cursor == null) {
            cursor = FeedCursor.start(node, currentSnapshot(h));
        } else if (receipted) {
            acknowledge(h, requester, wanted, cursor);
        } else {
            log.debug("Cursor from {} carries no receipt of ours: served, not taken as an acknowledgement", requester);
        }
        List<RowChange> rows = new ArrayList<>();
        boolean hasMore = false;
        boolean midTransaction = false;
        long chars = 0;
        // At most two ranges per call: finish the cursor's range, then start (and maybe finish) the next one.
        for (int range = 0; range < 2 && !wanted.isEmpty(); range++) {
            int room = maxRows - rows.size();
            Page page = readRange(h, wanted, cursor, room + 1, requester, held);
            List<FeedRow> got = page.rows();
            int fit = Math.min(room, got.size());
            for (int i = 0; i < fit; i++) {
                chars += size(got.get(i).change());
                if (chars > MAX_BATCH_CHARS && (i > 0 || !rows.isEmpty())) {
                    fit = i; // this row starts the next page
                    break;
                }
            }
            if (got.size() > fit) {
                // The row after the page tells whether the page ends inside a source transaction.
                midTransaction = fit > 0 && got.get(fit).tx().equals(got.get(fit - 1).tx());
                got = got.subList(0, fit);
                hasMore = true;
            }
            // A version the requester wrote itself is never sent back to it (no echo, filtered in the query): it
            // holds that version or a newer one. Anti-entropy repairs a requester restored from an old backup.
            for (FeedRow r : got) {
                if (r.change() != null) {
                    rows.add(r.change());
                }
            }
            if (!got.isEmpty()) {
                FeedRow last = got.get(got.size() - 1);
                cursor = cursor.after(last.tx(), last.seq());
            }
            if (hasMore) {
                break;
            }
            cursor = cursor.next(page.snapshot());
            if (rows.size() >= maxRows) {
                hasMore = true; // the next range is unread: it may hold rows
                break;
            }
        }
        return new ChangeBatch(rows, receipts.sign(cursor.format(), requester), hasMore, midTransaction);
    }

    private record FeedRow(String tx, long seq, RowChange change) {
    }

    /**
     * A range's rows, and the snapshot of the statement that read them: where the next range ends. Any snapshot taken
     * after the range's own is a valid end, and this one costs no round trip of its own.
     */
    private record Page(List<FeedRow> rows, String snapshot) {
    }

    /**
     * Characters of row data (keys, values, column versions) a page carries at most, whatever its row count: a page
     * of thousands of rows is what makes catching up cheap (an apply's fixed costs spread over more rows), and this
     * keeps such a page of wide rows well inside the transport's frame limit. A page holds at least one row.
     */
    static final long MAX_BATCH_CHARS = 4L << 20;

    private static long size(RowChange c) {
        if (c == null) {
            return 0;
        }
        return 64 + c.pk().length() + (c.data() == null ? 0 : c.data().length())
                + (c.columns() == null ? 0 : c.columns().length());
    }

    /**
     * True when a cursor this feed issued (its receipt checked) names transactions this database has not reached: on
     * one timeline every snapshot the feed hands out is at or behind the current one.
     */
    private static boolean aheadOfFeed(Handle h, FeedCursor cursor) {
        return h.createQuery("SELECT pg_snapshot_xmax(CAST(:to AS pg_snapshot)) > pg_snapshot_xmax(pg_current_snapshot())")
                .bind("to", cursor.to()).mapTo(Boolean.class).one();
    }

    /**
     * Rows of each table still in the feed after {@code cursorText} for {@code requester}, up to now: an estimate
     * for progress reports (versions the requester wrote are left out, as the feed does; relayed versions it already
     * holds are counted). One index range count per table.
     */
    Map<String, Long> remaining(Handle h, NodeId requester, List<String> names, String cursorText) {
        FeedCursor c = FeedCursor.parse(cursorText, node);
        String now = currentSnapshot(h);
        Map<String, Long> remaining = new java.util.LinkedHashMap<>();
        for (String name : names.stream().distinct().toList()) {
            PgTable t = table(name);
            remaining.put(name, h.createQuery("SELECT count(*) FROM " + t.meta() + " m"
                            + " WHERE m._tx >= pg_snapshot_xmin(CAST(:from AS pg_snapshot))"
                            + " AND NOT pg_visible_in_snapshot(m._tx, CAST(:from AS pg_snapshot))"
                            + " AND pg_visible_in_snapshot(m._tx, CAST(:now AS pg_snapshot))"
                            + " AND (NOT pg_visible_in_snapshot(m._tx, CAST(:to AS pg_snapshot))"
                            + " OR (m._tx, m._seq) > (CAST(:tx AS xid8), :seq))"
                            + " AND m._origin <> :requester")
                    .bind("from", c.from()).bind("to", c.to()).bind("now", now).bind("tx", c.tx()).bind("seq", c.seq())
                    .bind("requester", requester.value()).mapTo(Long.class).one());
        }
        return remaining;
    }

    /**
     * Leaves out the versions the requester already holds from their origin's own feed: a version of origin O whose
     * origin transaction the requester's cursor on O has passed (see {@link FeedCursor#holds}). The requester then
     * applies each row once, from whichever node delivers it first; rows of an origin it cannot reach (or has not
     * pulled yet) still come by relay. One cursor per origin; cursors of this node and of the requester are ignored
     * (this node's own rows are always sent, the requester's never).
     */
    private String heldFilter(NodeId requester, List<String> heldCursors) {
        StringBuilder filter = new StringBuilder();
        java.util.Set<NodeId> origins = new java.util.HashSet<>();
        for (String text : heldCursors) {
            FeedCursor held = FeedCursor.parseAny(text);
            if (held.node().equals(node) || held.node().equals(requester) || !origins.add(held.node())) {
                continue;
            }
            filter.append(" AND NOT (m._origin = ").append(Sql.literal(held.node().toString()))
                    .append("::uuid AND m._otx IS NOT NULL AND ").append(held.holds("m._otx", "m._hlc")).append(')');
        }
        return filter.toString();
    }

    /**
     * SQL: the row written by transaction {@code tx} at position {@code seq} lies in the cursor's current range, after
     * its last delivered position (bind parameters {@code from}, {@code to}, {@code tx}, {@code seq}). The one home of
     * the range rule, for the metadata tables and for truncations.
     */
    static String inRange(String tx, String seq) {
        return tx + " >= pg_snapshot_xmin(CAST(:from AS pg_snapshot))"
                + " AND " + tx + " < pg_snapshot_xmax(CAST(:to AS pg_snapshot))"
                + " AND (" + tx + ", " + seq + ") > (CAST(:tx AS xid8), :seq)"
                + " AND pg_visible_in_snapshot(" + tx + ", CAST(:to AS pg_snapshot))"
                + " AND NOT pg_visible_in_snapshot(" + tx + ", CAST(:from AS pg_snapshot))";
    }

    private Page readRange(Handle h, List<PgTable> wanted, FeedCursor c, int limit, NodeId requester, String held) {
        // One row at least (the snapshot), whose other columns are null when the range is empty.
        StringBuilder sql = new StringBuilder("SELECT pg_current_snapshot()::text AS snapshot, p.* FROM (SELECT 1) one"
                + " LEFT JOIN LATERAL (SELECT * FROM (");
        for (int i = 0; i < wanted.size(); i++) {
            PgTable t = wanted.get(i);
            if (i > 0) {
                sql.append(" UNION ALL ");
            }
            // Values of columns this node lacks, held for peers that have them: relayed with their versions.
            boolean withHeld = heldValues.any(t);
            sql.append("(SELECT ").append(Sql.literal(t.name())).append(" AS tbl, m._tx AS tx, m._seq AS seq, ")
                    .append(t.pkText("m")).append(" AS pk, m._hlc AS hlc, m._origin AS origin, m._deleted AS deleted, ")
                    .append("m._otx::text AS otx, ")
                    .append(withHeld ? "CASE WHEN hv.c IS NULL THEN m._cv ELSE coalesce(m._cv, '{}') || hv.c END::text"
                            : "m._cv::text").append(" AS cv, m._phlc, m._porigin, ")
                    .append("CASE WHEN m._deleted THEN NULL ELSE ")
                    .append(withHeld ? "(" + t.dataJson("x", "m._cv") + " || coalesce(hv.v, '{}'))" : t.dataJson("x", "m._cv"))
                    .append("::text END AS data, ")
                    .append("x.").append(t.pk().get(0).quoted()).append(" IS NULL AS missing, ")
                    // Derived where the stored hash is not the version's. The version's hash is computed in Java
                    // (DigestHash), an md5 per row less for the database, but for column versions that list a column no
                    // write reached, and where held values change the column versions sent: asked of the database.
                    .append("m._hash AS stored_hash, CASE WHEN ")
                    .append(withHeld ? "true" : "m._cv IS NOT NULL AND strpos(m._cv::text, " + NEVER_NODE + ") > 0")
                    .append(" THEN ").append(Derived.sql(schema, t, "m")).append(" END AS derived_cv")
                    // The page of metadata first (an index range scan that stops at the limit), then its data.
                    .append(" FROM (SELECT * FROM ").append(t.meta()).append(" m")
                    .append(" WHERE ").append(inRange("m._tx", "m._seq"))
                    // No echo: what the requester wrote is skipped here, so a page counts only rows it needs. Except a
                    // merged row (column versions, no origin transaction): it holds other nodes' columns too.
                    .append(" AND (m._origin <> :requester OR (m._otx IS NULL AND m._cv IS NOT NULL))").append(held)
                    .append(" ORDER BY m._tx, m._seq LIMIT :lim) m")
                    .append(" LEFT JOIN ").append(t.qualified()).append(" x ON ").append(t.pkJoin("x", "m"))
                    .append(withHeld ? " " + heldValues.lateral(t, "m", "hv") : "")
                    .append(" ORDER BY m._tx, m._seq)");
        }
        sql.append(" UNION ALL ").append(Truncations.feedBranch(schema, "CAST(:tables AS text[])"));
        sql.append(") u ORDER BY tx, seq LIMIT :lim) p ON true ORDER BY p.tx, p.seq");
        // Each result row with the statement's snapshot; the row is null where the range is empty.
        record Read(String snapshot, FeedRow row) {
        }
        List<Read> read = h.createQuery(sql.toString())
                .bind("from", c.from()).bind("to", c.to()).bind("tx", c.tx()).bind("seq", c.seq()).bind("lim", limit)
                .bind("requester", requester.value())
                .bindArray("tables", String.class, wanted.stream().map(PgTable::name).toArray())
                .map((rs, ctx) -> {
                    String table = rs.getString("tbl");
                    if (table == null) {
                        return new Read(rs.getString("snapshot"), null);
                    }
                    boolean deleted = rs.getBoolean("deleted");
                    String pk = rs.getString("pk");
                    RowChange change = null;
                    if (deleted || !rs.getBoolean("missing")) {
                        change = new RowChange(table, pk, rs.getLong("hlc"),
                                new NodeId(rs.getObject("origin", UUID.class)), deleted, rs.getString("data"),
                                derived(rs, pk, deleted), originTx(rs.getString("otx")), rs.getString("cv"), previous(rs));
                    } else {
                        log.warn("Live metadata row without data in {} for key {}: left out of the feed", table, pk);
                    }
                    return new Read(rs.getString("snapshot"), new FeedRow(rs.getString("tx"), rs.getLong("seq"), change));
                }).list();
        return new Page(read.stream().map(Read::row).filter(Objects::nonNull).toList(), read.get(0).snapshot());
    }

    /**
     * Whether a feed row's version is derived: its stored hash is not its version's hash ({@link Derived}), computed here
     * from the key, the version and the column versions' text as the database printed it. The database answers where
     * the query asked it ({@code derived_cv}).
     */
    private static boolean derived(java.sql.ResultSet rs, String pk, boolean deleted) throws java.sql.SQLException {
        if (deleted) {
            return false;
        }
        boolean byDatabase = rs.getBoolean("derived_cv");
        if (!rs.wasNull()) {
            return byDatabase;
        }
        // The column versions as the jsonb's own text: hashed as SQL does.
        Long version = DigestHash.liveVersionHash(pk, rs.getLong("hlc"), new NodeId(rs.getObject("origin", UUID.class)),
                rs.getString("cv"));
        if (version == null) {
            throw new IllegalStateException("column versions of " + pk + " list a column no write reached, and the"
                    + " feed did not ask the database whether the row is derived");
        }
        return rs.getLong("stored_hash") != version;
    }

    /** The replaced version ({@code _phlc}, {@code _porigin} of a result row), null when there is none. */
    static dev.peersync.core.Version previous(java.sql.ResultSet rs) throws java.sql.SQLException {
        long hlc = rs.getLong("_phlc");
        UUID origin = rs.getObject("_porigin", UUID.class);
        return rs.wasNull() || origin == null ? null : new dev.peersync.core.Version(hlc, new NodeId(origin));
    }

    static long originTx(String xid8) {
        return xid8 == null ? 0 : Long.parseLong(xid8);
    }

    /** The requester has everything visible in its cursor's "from": recorded for tombstone collection. */
    private void acknowledge(Handle h, NodeId requester, List<PgTable> wanted, FeedCursor cursor) {
        if (cursor.isStart()) {
            return;
        }
        // Committed durably although an acknowledgement lost in a crash would only delay tombstone collection: this
        // write gives the pull's transaction an id, which the snapshots handed out in this pull (and in the next ones)
        // show as finished. A commit lost in a crash lets that id be handed out again after the restart, to a
        // transaction whose rows the requester's cursor would then skip (the argument of docs/sync-core.md,
        // "Durability", for applies).
        h.createUpdate("INSERT INTO " + schema + ".peer_ack (peer, tbl, acked, updated_at) SELECT :peer, t,"
                        + " CAST(:s AS pg_snapshot), " + TombstoneCollector.clockNow(schema) + " FROM unnest(CAST(:tbls AS text[])) t"
                        + " ON CONFLICT (peer, tbl) DO UPDATE SET acked = EXCLUDED.acked, updated_at = EXCLUDED.updated_at")
                .bind("peer", requester.value()).bind("s", cursor.from())
                .bindArray("tbls", String.class, wanted.stream().map(PgTable::name).toArray())
                .execute();
    }

    private static String currentSnapshot(Handle h) {
        return h.createQuery("SELECT pg_current_snapshot()::text").mapTo(String.class).one();
    }

    private PgTable table(String name) {
        PgTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("table is not synced here: " + name + " (synced: " + tables.keySet() + ")");
        }
        return t;
    }
}
