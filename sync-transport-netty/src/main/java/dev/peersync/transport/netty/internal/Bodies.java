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
     * First frame of each side: who I am, my fresh nonce for the challenge-response, and the port my own server
     * listens on (0 when unknown), so that the accepting side can reuse this connection for its own requests.
     */
    public record Hello(int protocolVersion, NodeHello node, byte[] nonce, boolean authRequired, int listenPort) {
    }

    /** HMAC-SHA256 proof that the sender knows the cluster secret (see {@link HandshakeAuth}). */
    public record Proof(byte[] mac) {
    }

    /** Why the sender closes the connection. */
    public record Reject(RejectReason reason, String message) {
    }

    /** The server could not answer a request (its own failure); the connection stays open. */
    public record ErrorReply(String message) {
    }

    public record TableQuery(String table) {
    }

    public record FetchRowsQuery(String table, List<String> pks) {
        public FetchRowsQuery {
            pks = List.copyOf(pks);
        }
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
