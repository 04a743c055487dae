package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.PGConnection;

/**
 * Serves snapshot pages: metadata rows in primary-key order joined with the live rows, written by the server's
 * own COPY (no per-row JSON on either side). A page is bounded by rows and by {@link #MAX_PAGE_BYTES}.
 */
final class SnapshotReader {
    /** Rows per page, whatever a peer asks for. */
    static final int MAX_ROWS = 20_000;
    /**
     * Bytes of COPY text per page: a page is held about three times while it travels (the frame's base64, the decoded
     * bytes, the next page pipelined), so 2 MiB keeps a joining node with wide rows (2 KB descriptions) within a 96 MiB
     * heap; rows of common width still come 2,500 to a page.
     */
    static final int MAX_PAGE_BYTES = 2 * 1024 * 1024;

    private final NodeId node;
    private final String schema;
    private final int maxPageBytes;
    private final CursorReceipts receipts;
    private final TombstoneCollector collector;

    SnapshotReader(NodeId node, String schema, int maxPageBytes, CursorReceipts receipts) {
        this.node = node;
        this.schema = Sql.ident(schema);
        this.maxPageBytes = maxPageBytes;
        this.receipts = receipts;
        this.collector = new TombstoneCollector(this.schema);
    }

    /**
     * One page. The feed cursor carries {@code requester}'s receipt (none when null): the requester sends it back
     * after loading every page, which acknowledges what they held.
     */
    SnapshotPage read(Handle h, PgTable t, NodeId requester, SnapshotRequest request, int limit) {
        Set<String> writable = t.columns().stream().map(PgTable.Column::name).collect(Collectors.toSet());
        for (String c : request.columns()) {
            if (!writable.contains(c)) {
                throw new IllegalArgumentException("column " + c + " is not a writable column of " + t.name()
                        + " (its columns: " + t.columns().stream().map(PgTable.Column::name).toList() + ")");
            }
        }
        if (!request.afterPk().isEmpty()) {
            checkKey(h, t, request.afterPk());
        }
        h.execute(Sql.TRANSACTION_SETTINGS);
        // Taken before the page is read: every change the page misses committed after it, so it is in the feed
        // from here on (the range from this snapshot to itself is empty; the next range starts at it).
        String snapshot = h.createQuery("SELECT pg_current_snapshot()::text").mapTo(String.class).one();
        String cursor = FeedCursor.at(node, snapshot).format();
        if (requester != null) {
            cursor = receipts.sign(cursor, requester);
        }

        byte[] copy = copyOut(h, pageQuery(t, request, limit));
        int lines = count(copy, copy.length);
        boolean hasMore = lines == limit;
        if (copy.length > maxPageBytes) {
            int cut = lastNewline(copy, maxPageBytes - 1) + 1;
            if (cut == 0) {
                throw new IllegalArgumentException("a row of " + t.name() + " is larger than a snapshot page ("
                        + maxPageBytes + " bytes of COPY text)");
            }
            copy = Arrays.copyOf(copy, cut);
            lines = count(copy, cut);
            hasMore = true;
        }
        return new SnapshotPage(copy, lines, lastKey(copy), hasMore, cursor, collector.horizon(h, t.name()));
    }

    /** The key must be a JSON array of the table's key values, of their types: refused before the page is read. */
    private static void checkKey(Handle h, PgTable t, String afterPk) {
        boolean ok;
        try {
            ok = h.createQuery("SELECT jsonb_typeof(CAST(:k AS jsonb)) = 'array'"
                            + " AND jsonb_array_length(CAST(:k AS jsonb)) = :n")
                    .bind("k", afterPk).bind("n", t.pk().size()).mapTo(Boolean.class).one()
                    // and each value reads as its key column's type (the row's text needs every column)
                    && h.createQuery("SELECT ROW(k.*)::text FROM " + t.pkColumns("CAST(:k AS jsonb)") + " k")
                    .bind("k", afterPk).mapTo(String.class).one() != null;
        } catch (StatementException e) {
            ok = false;
        }
        if (!ok) {
            throw new IllegalArgumentException("afterPk of a snapshot of " + t.name() + " must be a JSON array of "
                    + t.pk().size() + " key value(s), got: " + afterPk);
        }
    }

    /**
     * Canonical key, version, deleted flag, "has data" flag, stored hash, column versions, then the requested columns:
     * key columns from the metadata (so a tombstone carries its key), the others from the live row. The stored hash
     * tells a derived version (its mark flipped) without a hash computed here: the joining node computes the version's
     * hash itself, and needs it anyway. COPY takes no bind parameters: the key is a checked literal.
     */
    private String pageQuery(PgTable t, SnapshotRequest request, int limit) {
        Set<String> keys = t.pk().stream().map(PgTable.Column::name).collect(Collectors.toSet());
        List<String> values = request.columns().stream()
                .map(c -> (keys.contains(c) ? "m." : "x.") + Sql.ident(c)).toList();
        String after = request.afterPk().isEmpty() ? "" : " WHERE (" + t.pkList("m") + ") > (SELECT " + t.pkList("k")
                + " FROM " + t.pkColumns(Sql.literal(request.afterPk()) + "::jsonb") + " k)";
        return "COPY (SELECT " + t.pkText("m") + ", m._hlc, m._origin, m._deleted,"
                + " NOT m._deleted AND x." + t.pk().get(0).quoted() + " IS NOT NULL, m._hash, m._cv, "
                + String.join(", ", values)
                + " FROM (SELECT * FROM " + t.meta() + " m" + after + " ORDER BY " + t.pkList("m") + " LIMIT " + limit
                + ") m LEFT JOIN " + t.qualified() + " x ON " + t.pkJoin("x", "m") + " AND NOT m._deleted"
                + " ORDER BY " + t.pkList("m") + ") TO STDOUT";
    }

    private static byte[] copyOut(Handle h, String sql) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try {
            h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not read a snapshot page: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Lines in the first {@code length} bytes (UTF-8 never has a newline byte inside a character). */
    private static int count(byte[] text, int length) {
        int n = 0;
        for (int i = 0; i < length; i++) {
            if (text[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    /** The last newline at or before {@code from}, -1 when none. */
    private static int lastNewline(byte[] text, int from) {
        for (int i = from; i >= 0; i--) {
            if (text[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The first field of the last line, COPY escapes undone: the next page's {@code afterPk}. */
    static String lastKey(byte[] text) {
        if (text.length == 0) {
            return "";
        }
        int start = lastNewline(text, text.length - 2) + 1;
        int end = start;
        while (end < text.length && text[end] != '\t' && text[end] != '\n') {
            end++;
        }
        return unescape(new String(text, start, end - start, StandardCharsets.UTF_8));
    }

    /** Undoes COPY text escaping of one field (the escapes PostgreSQL writes: backslash and control characters). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char ch = field.charAt(i);
            if (ch != '\\' || i + 1 == field.length()) {
                out.append(ch);
                continue;
            }
            char next = field.charAt(++i);
            out.append(switch (next) {
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'v' -> '\u000b';
                default -> next;
            });
        }
        return out.toString();
    }
}
