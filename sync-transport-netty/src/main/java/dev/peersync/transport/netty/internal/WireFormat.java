package dev.peersync.transport.netty.internal;

/**
 * The frame layout of the peersync protocol, version 7. Every frame, in both directions:
 *
 * <pre>
 *  offset  size  field
 *  ------  ----  -----------------------------------------------------------------------
 *       0     4  magic   0x50 0x53 0x59 0x4E ("PSYN")
 *       4     1  version protocol version, 7
 *       5     1  type    message type code ({@link MessageType})
 *       6     1  flags   bit 0: body is raw-deflate compressed; bits 1..7 must be 0
 *       7     1  reserved, must be 0
 *       8     4  request id, big-endian; non-zero on requests and their replies, 0 otherwise
 *      12     4  body length n, big-endian signed, 0 &lt;= n &lt;= maxFrameSize - 16
 *      16     n  body: UTF-8 JSON (see {@link WireJson}); empty for PING, PONG, PUSH; after an authenticated
 *                 handshake without TLS its last 32 bytes are the frame's HMAC tag ({@link FrameMac})
 *
 *  +------+------+------+------+------+------+------+------+
 *  | 'P'  | 'S'  | 'Y'  | 'N'  | ver  | type | flags| rsvd |
 *  +------+------+------+------+------+------+------+------+
 *  |       request id          |       body length n       |
 *  +------+------+------+------+------+------+------+------+
 *  |                 body (n bytes) ...                     |
 *  +--------------------------------------------------------+
 * </pre>
 *
 * Before the handshake has completed, frames are limited to {@link #MAX_HANDSHAKE_FRAME} bytes.
 * The magic and version come first so that a stray client (HTTP, a port scanner) is recognised at the first
 * bytes. The length is bounded before any body byte is buffered. A compressed body's inflated size is bounded
 * by the same maximum.
 */
public final class WireFormat {
    public static final int MAGIC = 0x5053594E;
    /**
     * 7: a SNAPSHOT_PAGE line carries its version's stored hash (derived mark included) where it carried a derived
     * flag: the joining node computes the version's hash anyway and tells a derived version from it, so the serving
     * node hashes nothing per row. 6: HELLO's node carries its synced tables' shape ({@code schema}, see {@code SchemaShape}) instead of a
     * fingerprint, and peers compare shapes instead of requiring equal ones. 5: with a secret the handshake is a password-authenticated key exchange (J-PAKE: PAKE_ROUND1, PAKE_ROUND2,
     * PAKE_CONFIRM) instead of HMAC proofs, and the frame MAC keys come from its shared key. 4: the accepting side
     * proves the secret only after the dialler; with a secret and no TLS every frame after the handshake carries
     * a 32-byte HMAC tag ({@link FrameMac}, the body length includes it). 3: SNAPSHOT pages for joining nodes.
     * 2: digest comparison by BUCKET_HASHES, RANGE_DIGESTS and RANGE_VERSIONS (1 had BUCKETS and BUCKET_ROWS).
     */
    public static final byte VERSION = 7;
    public static final int HEADER_SIZE = 16;
    public static final int LENGTH_OFFSET = 12;
    public static final int FLAG_DEFLATE = 0x01;
    /** Largest frame accepted before the handshake has completed (HELLO, PAKE rounds, REJECT are a few KiB). */
    public static final int MAX_HANDSHAKE_FRAME = 64 * 1024;

    private WireFormat() {
    }
}
