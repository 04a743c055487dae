package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.VersionsRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Digest values between sync-core's records and their compact wire form. Hashes are 8 raw bytes (12 characters of
 * base64 in JSON, where a hex string takes 19 with its quotes and comma); a range is a {@code [bucket, depth,
 * prefix]} triple. Everything read from a peer is checked here: a bad value is an {@link IllegalArgumentException}
 * that names it, which the server answers with ERROR and the client reports as a failed request.
 */
final class DigestWire {
    private static final int CHILD_MIN_BYTES = 1 + 8 + 1;
    private static final int MAX_VARINT_BYTES = 9; // row counts are positive longs: at most 63 bits

    private DigestWire() {
    }

    static MessageType.PackedHashes packHashes(List<Long> hashes) {
        ByteBuffer out = ByteBuffer.allocate(hashes.size() * Long.BYTES);
        hashes.forEach(out::putLong);
        return new MessageType.PackedHashes(out.array());
    }

    static List<Long> hashes(byte[] packed) {
        if (packed == null || packed.length % Long.BYTES != 0) {
            throw new IllegalArgumentException("packed hashes must be a multiple of 8 bytes, got: "
                    + (packed == null ? "none" : packed.length + " bytes"));
        }
        ByteBuffer in = ByteBuffer.wrap(packed);
        List<Long> out = new ArrayList<>(packed.length / Long.BYTES);
        while (in.hasRemaining()) {
            out.add(in.getLong());
        }
        return out;
    }

    static int[][] triples(List<DigestRange> ranges) {
        return ranges.stream().map(DigestWire::triple).toArray(int[][]::new);
    }

    private static int[] triple(DigestRange r) {
        return new int[] {r.bucket(), r.depth(), r.prefix()};
    }

    /** The ranges of a request: 1 to {@link DigestRange#MAX_RANGES_PER_REQUEST} valid triples. */
    static List<DigestRange> ranges(int[][] triples) {
        if (triples == null || triples.length == 0 || triples.length > DigestRange.MAX_RANGES_PER_REQUEST) {
            throw new IllegalArgumentException("a request names 1 to " + DigestRange.MAX_RANGES_PER_REQUEST
                    + " ranges, got: " + (triples == null ? "none" : triples.length));
        }
        List<DigestRange> out = new ArrayList<>(triples.length);
        for (int[] t : triples) {
            out.add(range(t));
        }
        return out;
    }

    private static DigestRange range(int[] t) {
        if (t == null || t.length != 3) {
            throw new IllegalArgumentException("a range is [bucket, depth, prefix], got: " + Arrays.toString(t));
        }
        return new DigestRange(t[0], t[1], t[2]);
    }

    static MessageType.PackedRangeDigest pack(RangeDigest digest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(digest.children().size() * CHILD_MIN_BYTES);
        ByteBuffer hash = ByteBuffer.allocate(Long.BYTES);
        for (RangeDigest.Child c : digest.children()) {
            out.write(c.index());
            out.writeBytes(hash.clear().putLong(c.hash()).array());
            for (long rows = c.rows(); ; rows >>>= 7) {
                if (rows < 0x80) {
                    out.write((int) rows);
                    break;
                }
                out.write((int) (rows & 0x7f) | 0x80);
            }
        }
        return new MessageType.PackedRangeDigest(triple(digest.range()), out.toByteArray());
    }

    static RangeDigest unpack(MessageType.PackedRangeDigest packed) {
        DigestRange range = range(packed.range());
        byte[] b = packed.children() == null ? new byte[0] : packed.children();
        List<RangeDigest.Child> children = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(b);
        while (in.hasRemaining()) {
            if (in.remaining() < CHILD_MIN_BYTES) {
                throw new IllegalArgumentException("children of " + range + " end in a truncated entry ("
                        + in.remaining() + " bytes left)");
            }
            int index = in.get() & 0xff;
            long hash = in.getLong();
            long rows = 0;
            int shift = 0;
            byte next;
            do {
                if (!in.hasRemaining() || shift == 7 * MAX_VARINT_BYTES) {
                    throw new IllegalArgumentException("row count of child " + index + " of " + range
                            + " is truncated or longer than " + MAX_VARINT_BYTES + " bytes");
                }
                next = in.get();
                rows |= (long) (next & 0x7f) << shift;
                shift += 7;
            } while (next < 0);
            children.add(new RangeDigest.Child(index, hash, rows));
        }
        return new RangeDigest(range, children);
    }

    static MessageType.VersionsQuery query(String table, VersionsRequest request) {
        return new MessageType.VersionsQuery(table, triples(request.ranges()),
                packHashes(request.knownHashes()).hashes(), request.afterPk(), request.limit());
    }

    /** The request a peer sent (the server caps its limit: {@link ServingLimits}). */
    static VersionsRequest request(MessageType.VersionsQuery q) {
        List<Long> known = q.known() == null ? List.of() : hashes(q.known());
        return new VersionsRequest(ranges(q.ranges()), known, q.afterPk(), q.limit());
    }

    static MessageType.RangeDigests packDigests(List<RangeDigest> digests) {
        return new MessageType.RangeDigests(digests.stream().map(DigestWire::pack).toList());
    }

    static List<RangeDigest> unpackDigests(MessageType.RangeDigests packed) {
        return packed.digests().stream().map(DigestWire::unpack).toList();
    }
}
