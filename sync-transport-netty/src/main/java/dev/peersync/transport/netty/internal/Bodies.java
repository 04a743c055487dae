package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
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

    public record BucketRowsQuery(String table, int bucket, String afterPk, int limit) {
    }

    public record FetchRowsQuery(String table, List<String> pks) {
        public FetchRowsQuery {
            pks = List.copyOf(pks);
        }
    }

    public record Hashes(List<String> hashes) {
        public Hashes {
            hashes = List.copyOf(hashes);
        }
    }

    public record Versions(List<RowVersion> rows) {
        public Versions {
            rows = List.copyOf(rows);
        }
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
