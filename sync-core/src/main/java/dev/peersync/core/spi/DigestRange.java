package dev.peersync.core.spi;

/**
 * A node of a table's digest tree below the root: a bucket, or a part of one.
 *
 * <p>Every row version of a table has a key hash, {@code md5} of its primary-key text. Its first 32 bits choose
 * the bucket ({@link TableDigest#bucketCount()} of them, maintained by the store as rows change). The next 30 bits
 * (bits 32..61) split a bucket further, six bits per level, computed on demand: the range {@code (bucket, depth,
 * prefix)} holds the rows of {@code bucket} whose 30-bit sub-hash starts with the {@code 6 * depth} bits of
 * {@code prefix}. Depth 0 is the whole bucket; each range of depth below {@link #MAX_DEPTH} has {@link #FAN_OUT}
 * children, child {@code i} extending the prefix by the six bits of {@code i}. Two nodes compare ranges by their
 * hashes (the XOR of their rows' hashes) and descend only into the children that differ.
 *
 * @param bucket bucket number, {@code >= 0} (the store checks the upper bound, its bucket count)
 * @param depth  levels below the bucket, {@code 0..MAX_DEPTH}
 * @param prefix the range's sub-hash prefix, {@code 0 <= prefix < 64^depth}
 */
public record DigestRange(int bucket, int depth, int prefix) {
    /** Bits of the sub-hash added per level. */
    public static final int BITS_PER_LEVEL = 6;
    /** Children per range. */
    public static final int FAN_OUT = 1 << BITS_PER_LEVEL;
    /** Deepest level: 5 levels of 6 bits use the 30 bits of the sub-hash. */
    public static final int MAX_DEPTH = 5;
    /** Most ranges one request may name. */
    public static final int MAX_RANGES_PER_REQUEST = 256;

    public DigestRange {
        if (bucket < 0) {
            throw new IllegalArgumentException("bucket must not be negative, got: " + bucket);
        }
        if (depth < 0 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be in [0, " + MAX_DEPTH + "], got: " + depth);
        }
        if (prefix < 0 || prefix >= 1 << (BITS_PER_LEVEL * depth)) {
            throw new IllegalArgumentException("prefix of a range of depth " + depth + " must be in [0, "
                    + (1 << (BITS_PER_LEVEL * depth)) + "), got: " + prefix);
        }
    }

    /** The whole bucket. */
    public static DigestRange bucket(int bucket) {
        return new DigestRange(bucket, 0, 0);
    }

    /** False at {@link #MAX_DEPTH}: such a range is compared row by row. */
    public boolean hasChildren() {
        return depth < MAX_DEPTH;
    }

    /** Child {@code index} ({@code 0..FAN_OUT-1}) of this range. */
    public DigestRange child(int index) {
        if (!hasChildren()) {
            throw new IllegalStateException("a range of depth " + MAX_DEPTH + " has no children: " + this);
        }
        if (index < 0 || index >= FAN_OUT) {
            throw new IllegalArgumentException("child index must be in [0, " + FAN_OUT + "), got: " + index);
        }
        return new DigestRange(bucket, depth + 1, (prefix << BITS_PER_LEVEL) | index);
    }

    /**
     * Whether a row with this 30-bit sub-hash (bits 32..61 of md5 of its key text) and this bucket lies in the range.
     */
    public boolean contains(int rowBucket, int subHash) {
        return rowBucket == bucket && subHash >>> (30 - BITS_PER_LEVEL * depth) == prefix;
    }

    /** The index of the child of this range that holds a row with this 30-bit sub-hash. */
    public int childIndexOf(int subHash) {
        if (!hasChildren()) {
            throw new IllegalStateException("a range of depth " + MAX_DEPTH + " has no children: " + this);
        }
        return (subHash >>> (30 - BITS_PER_LEVEL * (depth + 1))) & (FAN_OUT - 1);
    }
}
