package dev.peersync.transport.netty.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.peersync.core.NodeId;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.SchemaShape;
import dev.peersync.transport.netty.RejectReason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bodies of the handshake and control messages (the request table's bodies are in {@link MessageType}). Each is one
 * JSON object on the wire, its fields in component order under the names given by {@code @JsonProperty} (those of
 * protocol version 7, pinned by {@code WireGoldenTest}).
 */
public final class Bodies {
    private Bodies() {
    }

    /**
     * First frame of each side: who I am, my fresh nonce (mixed into the frame MAC keys), and the port my own server
     * listens on (0 when unknown), so that the accepting side can reuse this connection for its own requests.
     */
    public record Hello(@JsonProperty("protocolVersion") int protocolVersion, @JsonProperty("node") Node node,
                        @JsonProperty("nonce") byte[] nonce, @JsonProperty("authRequired") boolean authRequired,
                        @JsonProperty("listenPort") int listenPort) {
    }

    /** A {@link NodeHello} in a HELLO. */
    public record Node(@JsonProperty("nodeId") NodeId nodeId, @JsonProperty("nodeName") String nodeName,
                       @JsonProperty("clusterId") String clusterId, @JsonProperty("schema") Schema schema,
                       @JsonProperty("apiPort") int apiPort, @JsonProperty("p2pPort") int p2pPort,
                       @JsonProperty("softwareVersion") String softwareVersion,
                       @JsonProperty("predecessor") NodeId predecessor) {
        /** The wire form of {@code hello}. */
        static Node of(NodeHello hello) {
            return new Node(hello.nodeId(), hello.nodeName(), hello.clusterId(),
                    hello.schema() == null ? null : Schema.of(hello.schema()), hello.apiPort(), hello.p2pPort(),
                    hello.softwareVersion(), hello.predecessor());
        }

        /** The node this stands for; sync-core's constructors refuse what they refuse (a schema without tables). */
        NodeHello value() {
            return new NodeHello(nodeId, nodeName, clusterId, schema == null ? null : schema.value(), apiPort, p2pPort,
                    softwareVersion, predecessor);
        }
    }

    /** A {@link SchemaShape}: per synced table its key and columns. */
    public record Schema(@JsonProperty("tables") Map<String, SchemaTable> tables) {
        static Schema of(SchemaShape shape) {
            Map<String, SchemaTable> tables = new LinkedHashMap<>();
            shape.tables().forEach((name, table) -> tables.put(name, SchemaTable.of(table)));
            return new Schema(tables);
        }

        SchemaShape value() {
            if (tables == null) {
                return new SchemaShape(null); // refused, naming the missing tables
            }
            Map<String, SchemaShape.Table> shape = new LinkedHashMap<>();
            tables.forEach((name, table) -> shape.put(name, table == null ? null : table.value()));
            return new SchemaShape(shape);
        }
    }

    /** A {@link SchemaShape.Table}. */
    public record SchemaTable(@JsonProperty("key") List<String> key,
                              @JsonProperty("columns") Map<String, String> columns) {
        static SchemaTable of(SchemaShape.Table table) {
            return new SchemaTable(table.key(), table.columns());
        }

        SchemaShape.Table value() {
            return new SchemaShape.Table(key, columns);
        }
    }

    /**
     * J-PAKE round 1 ({@link PakeSession}): the sender's node id, g^x1, g^x2 and a Schnorr proof
     * {@code [g^v, r]} of knowing each exponent. Numbers are big-endian two's complement bytes
     * (base64 in JSON).
     */
    public record PakeRound1(@JsonProperty("participant") String participant, @JsonProperty("gx1") byte[] gx1,
                             @JsonProperty("gx2") byte[] gx2, @JsonProperty("proofX1") byte[][] proofX1,
                             @JsonProperty("proofX2") byte[][] proofX2) {
    }

    /** J-PAKE round 2: A = (g^(x1+x3+x4))^(x2*s) and a Schnorr proof of knowing x2*s. */
    public record PakeRound2(@JsonProperty("participant") String participant, @JsonProperty("a") byte[] a,
                             @JsonProperty("proofX2s") byte[][] proofX2s) {
    }

    /** J-PAKE round 3, key confirmation: a MAC tag only a holder of the same shared key can make. */
    public record PakeConfirm(@JsonProperty("participant") String participant,
                              @JsonProperty("macTag") byte[] macTag) {
    }

    /** Why the sender closes the connection. */
    public record Reject(@JsonProperty("reason") RejectReason reason, @JsonProperty("message") String message) {
    }

    /** The server could not answer a request (its own failure); the connection stays open. */
    public record ErrorReply(@JsonProperty("message") String message) {
    }

    /** The body of PING, PONG and PUSH: zero bytes on the wire. */
    public enum Empty {
        INSTANCE
    }
}
