package dev.peersync.core.spi;

import java.util.List;
import java.util.Objects;

/**
 * The children of one {@link DigestRange}: for each child that holds rows, the XOR of its rows' hashes and its
 * number of row versions (tombstones included). A child that is not listed holds no rows (hash 0, no rows).
 *
 * @param range    the range whose children these are
 * @param children the non-empty children, by ascending index
 */
public record RangeDigest(DigestRange range, List<Child> children) {

    /**
     * @param index child index, {@code 0..DigestRange.FAN_OUT-1}
     * @param hash  XOR of the child's row hashes
     * @param rows  row versions in the child, {@code > 0}
     */
    public record Child(int index, long hash, long rows) {
        public Child {
            if (index < 0 || index >= DigestRange.FAN_OUT) {
                throw new IllegalArgumentException("child index must be in [0, " + DigestRange.FAN_OUT + "), got: "
                        + index);
            }
            if (rows <= 0) {
                throw new IllegalArgumentException("rows of a listed child must be positive, got: " + rows);
            }
        }
    }

    public RangeDigest {
        Objects.requireNonNull(range, "range");
        if (!range.hasChildren()) {
            throw new IllegalArgumentException("a range of depth " + DigestRange.MAX_DEPTH + " has no children: "
                    + range);
        }
        children = List.copyOf(children);
        for (int i = 1; i < children.size(); i++) {
            if (children.get(i).index() <= children.get(i - 1).index()) {
                throw new IllegalArgumentException("children must be listed by ascending index, got index "
                        + children.get(i).index() + " after " + children.get(i - 1).index());
            }
        }
    }

    /** Hashes of all {@link DigestRange#FAN_OUT} children, 0 for an empty one. */
    public long[] hashes() {
        long[] out = new long[DigestRange.FAN_OUT];
        children.forEach(c -> out[c.index()] = c.hash());
        return out;
    }

    /** Row counts of all {@link DigestRange#FAN_OUT} children. */
    public long[] rows() {
        long[] out = new long[DigestRange.FAN_OUT];
        children.forEach(c -> out[c.index()] = c.rows());
        return out;
    }
}
