package dev.peersync.core.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hashes of the table digest, as every store computes them (PostgreSQL's {@code md5} over the UTF-8 text):
 * peers compare them, so they are part of the protocol.
 *
 * <ul>
 *   <li>key hash: {@code md5(pk text)}; its bits 0..31 (big-endian, sign bit cleared) modulo the bucket count give
 *       the bucket, its bits 32..61 the 30-bit sub-hash that splits a bucket into {@link DigestRange}s;</li>
 *   <li>row hash: bits 0..63 of {@code md5(pk | hlc | origin | deleted)} as a signed 64-bit number, XOR bits 0..63 of
 *       {@code md5(column versions)} when the row lists column versions ({@link RowVersion#columns()}, the text
 *       PostgreSQL prints for the jsonb value, which is the same for equal values); a bucket's or a range's hash is the
 *       XOR of its rows' hashes.</li>
 * </ul>
 */
public final class DigestHash {
    private DigestHash() {
    }

    /** The bucket of a row with this key text. */
    public static int bucketOf(String pk, int bucketCount) {
        if (bucketCount < 1) {
            throw new IllegalArgumentException("bucketCount must be positive, got: " + bucketCount);
        }
        byte[] md5 = md5(pk);
        return (int32(md5, 0) & 0x7fffffff) % bucketCount;
    }

    /** The 30-bit sub-hash of a row with this key text (bits 32..61 of its key hash). */
    public static int subHashOf(String pk) {
        return int32(md5(pk), 4) >>> 2;
    }

    /** Flipped in the stored hash of a derived version ({@link RowVersion#derived()}), so digests tell it apart. */
    public static final long DERIVED_MARK = 1L;

    /** The hash stored for this version: its row hash, with {@link #DERIVED_MARK} flipped when derived. */
    public static long storedHash(RowVersion v) {
        return v.derived() ? rowHash(v) ^ DERIVED_MARK : rowHash(v);
    }

    /** The row hash of this version as written (whether or not it is derived here). */
    public static long rowHash(RowVersion v) {
        long hash = rowHash(v.pk(), v.hlc(), v.origin(), v.deleted());
        return v.columns() == null ? hash : hash ^ int64(md5(v.columns()));
    }

    /** The row hash of a version that lists no column versions. */
    public static long rowHash(String pk, long hlc, dev.peersync.core.NodeId origin, boolean deleted) {
        return int64(md5(pk + "|" + hlc + "|" + origin + "|" + deleted));
    }

    /** Marks a column no write reached ({@code NodeId.NEVER}) in the text of column versions. */
    private static final String NEVER_NODE = "\"" + dev.peersync.core.NodeId.NEVER + "\"";

    /**
     * The hash that column versions add to a row hash, from their text as PostgreSQL prints the jsonb value (what
     * {@code ColumnVersions.format} writes): 0 for none, bits 0..63 of its md5 otherwise. Null when the text lists a
     * column no write reached: those entries leave the hash alone, and only the database (the store's
     * {@code cv_hash}) leaves them out of the text it hashes.
     */
    public static Long columnVersionsHash(String columns) {
        if (columns == null) {
            return 0L;
        }
        return columns.contains(NEVER_NODE) ? null : int64(md5(columns));
    }

    /**
     * The hash of a live version as written: its row hash XOR its column versions' hash ({@link #columnVersionsHash},
     * of the text PostgreSQL prints), or null where only the database can tell (a column no write reached is listed).
     */
    public static Long liveVersionHash(String pk, long hlc, dev.peersync.core.NodeId origin, String columns) {
        Long columnsHash = columnVersionsHash(columns);
        return columnsHash == null ? null : rowHash(pk, hlc, origin, false) ^ columnsHash;
    }

    private static long int64(byte[] md5) {
        return ((long) int32(md5, 0) << 32) | (int32(md5, 4) & 0xffffffffL);
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }
}
