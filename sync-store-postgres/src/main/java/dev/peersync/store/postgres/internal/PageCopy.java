package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.store.postgres.internal.BulkCopy.NotNew;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The fast path of a snapshot page whose rows are all new here: the page's lines are split in Java into the table's
 * rows and their metadata rows, and each goes in with one COPY (the capture trigger told to leave the table's alone).
 * The metadata's bucket and row hash are computed here while the lines are split; the database hashes only the
 * column versions ({@code cv_hash}, for the rows that list any). Profiled on 300,000 rows, the staged path this
 * replaces spent more in SQL than the COPY stream of the same rows: a COPY into a staging table, an INSERT from it
 * into the table, and one into the metadata with two md5 and a non-inlined {@code cv_hash} call per row.
 *
 * <p>Plain COPYs, not upserts: a key that is already here (a local write, another peer's batch), a row whose parent
 * is not here, or anything the page holds that the table's types refuse fails a COPY, and so does the whole path
 * ({@link NotNew}); the caller rolls back to its savepoint and lets the merge rule settle each row.
 */
final class PageCopy {
    /** Leading fields of a page's line ({@link SnapshotReader}): key, version, deleted, live, stored hash, column versions. */
    private static final int META_FIELDS = 7;

    private final String s;
    private final long maxOffsetMillis;
    private final int bucketCount;

    PageCopy(String quotedSchema, long maxOffsetMillis, int bucketCount) {
        this.s = quotedSchema;
        this.maxOffsetMillis = maxOffsetMillis;
        this.bucketCount = bucketCount;
    }

    /** One line's version, as the metadata stores it. */
    private record Version(String key, long hlc, UUID origin, boolean deleted, boolean live, long storedHash, String cv,
                           String keyColumns, int dataStart, int lineEnd) {
    }

    /**
     * Loads {@code page} into {@code t} and its metadata, in the caller's transaction, under the {@link ApplyGate}; returns the
     * metadata rows written. Throws {@link NotNew} when a row cannot go in as new.
     */
    int load(Handle h, PgTable t, NodeId peer, SnapshotPage page) {
        byte[] text = page.copy();
        List<Version> versions = split(t, text);
        if (versions.size() != page.rows()) {
            throw new NotNew("the page announced " + page.rows() + " rows but holds " + versions.size());
        }
        long maxHlc = Long.MIN_VALUE;
        long minHlc = Long.MAX_VALUE;
        int kept = 0;
        for (Version v : versions) {
            maxHlc = Math.max(maxHlc, v.hlc());
            minHlc = Math.min(minHlc, v.hlc());
            kept += v.deleted() || v.live() ? 1 : 0;
        }
        String refusal = NewVersionsCheck.refusal(h, s, maxOffsetMillis, List.of(t.name()), minHlc, maxHlc);
        if (refusal != null) {
            throw new NotNew(refusal);
        }
        List<String> cvHashes = cvHashes(h, versions);
        // The versions move our clock past them; local change numbers (the feed's order) come from the clock.
        record Reserved(long base, String tx) {
        }
        Reserved reserved = h.createQuery("SELECT " + s + ".hlc_reserve(1, :max), " + s + ".hlc_reserve(:n),"
                        + " pg_current_xact_id()::text, set_config('" + CaptureSql.SNAPSHOT_SETTING + "', :t, true)")
                .bind("max", maxHlc).bind("n", (long) Math.max(kept, 1)).bind("t", t.name())
                .map((rs, ctx) -> new Reserved(rs.getLong(2), rs.getString(3))).one();

        Bytes rows = new Bytes(text.length);
        StringBuilder meta = new StringBuilder(kept * 160);
        int seq = 0;
        int cvAt = 0;
        for (Version v : versions) {
            if (!v.deleted() && !v.live()) {
                continue; // deleted on the peer while its page was read: its tombstone comes with the feed
            }
            if (!v.deleted()) {
                rows.write(text, v.dataStart(), v.lineEnd() - v.dataStart());
                rows.write('\n');
            }
            long hash = DigestHash.rowHash(v.key(), v.hlc(), new NodeId(v.origin()), v.deleted());
            if (v.cv() != null) {
                hash ^= Long.parseLong(cvHashes.get(cvAt++));
            }
            // The peer's stored hash is this one, or this one with the derived mark flipped (a live row only).
            if (v.storedHash() != hash && (v.deleted() || v.storedHash() != (hash ^ DigestHash.DERIVED_MARK))) {
                throw new NotNew("the stored hash of " + v.key() + " does not match its version");
            }
            meta.append(v.keyColumns()).append('\t').append(v.hlc()).append('\t').append(v.origin()).append('\t')
                    .append(v.deleted()).append('\t').append(reserved.tx()).append('\t').append(reserved.base() + seq++)
                    .append('\t').append(DigestHash.bucketOf(v.key(), bucketCount)).append('\t');
            IncomingRows.copyField(meta, v.cv()).append('\t').append(v.storedHash()).append('\n');
        }
        if (rows.size() > 0) {
            BulkCopy.copyIn(h, "COPY " + t.qualified() + " (" + t.columnNames("") + ") FROM STDIN", rows.in());
        }
        if (kept > 0) {
            BulkCopy.copyIn(h, "COPY " + t.meta() + " (" + t.pkNames() + ", _hlc, _origin, _deleted, _tx, _seq, _bucket, _cv, _hash)"
                    + " FROM STDIN", new ByteArrayInputStream(meta.toString().getBytes(StandardCharsets.UTF_8)));
        }
        // Announced as rows from that peer: pushed to every other peer, not back to it.
        h.createQuery("SELECT set_config('" + CaptureSql.SNAPSHOT_SETTING + "', '', true), pg_notify('"
                        + PgCommitListener.CHANNEL + "', :cause)")
                .bind("cause", peer.value().toString()).mapTo(String.class).one();
        return kept;
    }

    /**
     * The hashes of the rows' column versions, in order, from the database: the hash takes the jsonb text PostgreSQL
     * prints, which only the database writes for sure. One statement for the page; none when no row lists any.
     */
    private List<String> cvHashes(Handle h, List<Version> versions) {
        List<String> cvs = new ArrayList<>();
        for (Version v : versions) {
            if (v.cv() != null && (v.deleted() || v.live())) {
                cvs.add(v.cv());
            }
        }
        if (cvs.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT " + s + ".cv_hash(CAST(c AS jsonb))::text FROM unnest(CAST(:cvs AS text[]))"
                        + " WITH ORDINALITY u(c, i) ORDER BY i")
                .bindArray("cvs", String.class, cvs.toArray()).mapTo(String.class).list();
    }

    /**
     * The page's lines as versions. Fields are split at tab bytes and lines at newline bytes: COPY text escapes both
     * inside values, and UTF-8 never has them inside a character. The key columns' text is taken from the data fields
     * (the page lists every column of the table in the table's order, keys included, a tombstone's too).
     */
    private static List<Version> split(PgTable t, byte[] text) {
        int[] keyAt = keyPositions(t);
        int fields = META_FIELDS + t.columns().size();
        List<Version> out = new ArrayList<>(text.length / 256);
        int[] tabs = new int[fields - 1];
        int start = 0;
        while (start < text.length) {
            int end = start;
            int n = 0;
            for (; end < text.length && text[end] != '\n'; end++) {
                if (text[end] == '\t') {
                    if (n == tabs.length) {
                        throw new NotNew("a line has more than " + fields + " fields");
                    }
                    tabs[n++] = end;
                }
            }
            if (n != tabs.length) {
                throw new NotNew("a line has " + (n + 1) + " fields, expected " + fields);
            }
            StringBuilder keyColumns = new StringBuilder();
            for (int k = 0; k < keyAt.length; k++) {
                int field = META_FIELDS + keyAt[k];
                keyColumns.append(k > 0 ? "\t" : "").append(utf8(text, tabs[field - 1] + 1,
                        field == fields - 1 ? end : tabs[field]));
            }
            try {
                long hlc = Long.parseLong(ascii(text, tabs[0] + 1, tabs[1]));
                UUID origin = UUID.fromString(ascii(text, tabs[1] + 1, tabs[2]));
                boolean deleted = bool(text, tabs[2] + 1, tabs[3]);
                // Made canonical as the merge rule's path does (cv_normal): only versions below the row's, none for a
                // tombstone, null for none.
                String cv = IncomingRows.canonicalColumns(nullable(text, tabs[5] + 1, tabs[6]), hlc, new NodeId(origin),
                        deleted);
                out.add(new Version(SnapshotReader.unescape(utf8(text, start, tabs[0])), hlc, origin, deleted,
                        bool(text, tabs[3] + 1, tabs[4]), Long.parseLong(ascii(text, tabs[4] + 1, tabs[5])), cv,
                        keyColumns.toString(), tabs[6] + 1, end));
            } catch (IllegalArgumentException e) {
                throw new NotNew("a line's version does not read: " + e.getMessage(), e);
            }
            start = end + 1;
        }
        return out;
    }

    /** Where each key column is among the table's columns. */
    private static int[] keyPositions(PgTable t) {
        int[] at = new int[t.pk().size()];
        for (int k = 0; k < at.length; k++) {
            String name = t.pk().get(k).name();
            at[k] = -1;
            for (int i = 0; i < t.columns().size(); i++) {
                if (t.columns().get(i).name().equals(name)) {
                    at[k] = i;
                }
            }
            if (at[k] < 0) {
                throw new NotNew("key column " + name + " is not among the columns of the page");
            }
        }
        return at;
    }

    private static String utf8(byte[] text, int from, int to) {
        return new String(text, from, to - from, StandardCharsets.UTF_8);
    }

    private static String ascii(byte[] text, int from, int to) {
        return new String(text, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static boolean bool(byte[] text, int from, int to) {
        if (to - from == 1 && text[from] == 't') {
            return true;
        }
        if (to - from == 1 && text[from] == 'f') {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: " + utf8(text, from, to));
    }

    private static String nullable(byte[] text, int from, int to) {
        return to - from == 2 && text[from] == '\\' && text[from + 1] == 'N' ? null
                : SnapshotReader.unescape(utf8(text, from, to));
    }

    /** A byte buffer that COPY reads in place. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        InputStream in() {
            return new ByteArrayInputStream(buf, 0, count);
        }
    }
}
