package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.RowChange;
import dev.peersync.transport.netty.RejectReason;
import java.util.List;

/** Bodies of the protocol's messages that are not sync-core records. Each is one JSON object on the wire. */
public final class Bodies {
    private Bodies() {
    }

    /**
     * First frame of each side: who I am, my fresh nonce (mixed into the frame MAC keys), and the port my own server
     * listens on (0 when unknown), so that the accepting side can reuse this connection for its own requests.
     */
    public record Hello(int protocolVersion, NodeHello node, byte[] nonce, boolean authRequired, int listenPort) {
    }

    /**
     * J-PAKE round 1 ({@link PakeSession}): the sender's node id, g^x1, g^x2 and a Schnorr proof
     * {@code [g^v, r]} of knowing each exponent. Numbers are big-endian two's complement bytes
     * (base64 in JSON).
     */
    public record PakeRound1(String participant, byte[] gx1, byte[] gx2, byte[][] proofX1, byte[][] proofX2) {
    }

    /** J-PAKE round 2: A = (g^(x1+x3+x4))^(x2*s) and a Schnorr proof of knowing x2*s. */
    public record PakeRound2(String participant, byte[] a, byte[][] proofX2s) {
    }

    /** J-PAKE round 3, key confirmation: a MAC tag only a holder of the same shared key can make. */
    public record PakeConfirm(String participant, byte[] macTag) {
    }

    /** Why the sender closes the connection. */
    public record Reject(RejectReason reason, String message) {
    }

    /** The server could not answer a request (its own failure); the connection stays open. */
    public record ErrorReply(String message) {
    }

    /** 64-bit hashes, 8 bytes each, big-endian, in order: base64 in JSON (see {@link DigestWire}). */
    public record PackedHashes(byte[] hashes) {
    }

    /**
     * Digest ranges as {@code [bucket, depth, prefix]} triples. Decoding does not check them: the server does, and
     * answers a bad one with ERROR instead of closing the connection.
     */
    public record RangesQuery(String table, int[][] ranges) {
    }

    /**
     * The non-empty children of one range: per child its index (1 byte), hash (8 bytes, big-endian) and row count
     * (unsigned LEB128), base64 in JSON (see {@link DigestWire}).
     */
    public record PackedRangeDigest(int[] range, byte[] children) {
    }

    public record RangeDigests(List<PackedRangeDigest> digests) {
        public RangeDigests {
            digests = List.copyOf(digests);
        }
    }

    /** A {@link dev.peersync.core.spi.VersionsRequest}: ranges as triples, known row hashes packed. */
    public record VersionsQuery(String table, int[][] ranges, byte[] known, String afterPk, int limit) {
    }

    public record Rows(List<RowChange> rows) {
        public Rows {
            rows = List.copyOf(rows);
        }
    }

    /** The body of PING, PONG and PUSH: zero bytes on the wire. */
    public enum Empty {
        INSTANCE
    }
}
