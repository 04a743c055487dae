package dev.peersync.core.spi;

import java.util.List;

/**
 * "The row versions in these ranges of one table that are not among these, in key order after this key, at most
 * this many."
 *
 * @param ranges      ranges of the table (a row in several of them is listed once)
 * @param knownHashes row hashes ({@link DigestHash#rowHash}) of versions the asker holds already: rows with one
 *                    of these hashes are left out. Only a saving: leaving a hash out never changes the result's
 *                    correctness, so the asker may send any subset
 * @param afterPk     key text to start after, empty for the start (keys compare as {@code COLLATE "C"} text)
 * @param limit       upper bound on versions in the answer (the server may cap it lower)
 */
public record VersionsRequest(List<DigestRange> ranges, List<Long> knownHashes, String afterPk, int limit) {
    /** Most known hashes one request may carry. */
    public static final int MAX_KNOWN_HASHES = 16_384;

    public VersionsRequest {
        ranges = List.copyOf(ranges);
        knownHashes = List.copyOf(knownHashes);
        afterPk = afterPk == null ? "" : afterPk;
        if (ranges.isEmpty() || ranges.size() > DigestRange.MAX_RANGES_PER_REQUEST) {
            throw new IllegalArgumentException("a request names 1 to " + DigestRange.MAX_RANGES_PER_REQUEST
                    + " ranges, got: " + ranges.size());
        }
        if (knownHashes.size() > MAX_KNOWN_HASHES) {
            throw new IllegalArgumentException("at most " + MAX_KNOWN_HASHES + " known hashes per request, got: "
                    + knownHashes.size());
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got: " + limit);
        }
    }
}
