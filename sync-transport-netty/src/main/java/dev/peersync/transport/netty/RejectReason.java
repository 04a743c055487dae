package dev.peersync.transport.netty;

/**
 * Why a connection was refused or closed by the protocol. Sent to the other side in a REJECT frame (which it
 * logs) and counted in {@link TransportStats}.
 */
public enum RejectReason {
    /**
     * The peer failed the password-authenticated key exchange (a bad key confirmation or an invalid PAKE value):
     * it does not know the cluster secret.
     */
    BAD_PROOF,
    /** This node requires a cluster secret but the peer runs open (it does not take part in the key exchange). */
    MISSING_PROOF,
    /** The peer requires a cluster secret but this node has none configured. */
    SECRET_NOT_CONFIGURED,
    /** The peer belongs to another cluster. */
    CLUSTER_MISMATCH,
    /** The peer's synced tables have other columns or types. */
    SCHEMA_MISMATCH,
    /** The peer speaks another protocol version. */
    VERSION_MISMATCH,
    /** The peer is this very node (it dialled its own address). */
    SELF_CONNECTION,
    /** The handshake did not complete within the deadline. */
    HANDSHAKE_TIMEOUT,
    /** A frame announced more bytes than the maximum frame size. */
    FRAME_TOO_LARGE,
    /** A frame started but did not complete within the frame timeout (slowloris). */
    SLOW_PEER,
    /** The node already holds its maximum number of accepted connections; closed without a REJECT frame. */
    TOO_MANY_CONNECTIONS,
    /** Nothing was read for longer than the idle timeout. */
    IDLE,
    /**
     * Protected mode: this node has no cluster secret, so it talks to peers on its own host (loopback) only,
     * and the peer is elsewhere. Set the same CLUSTER_SECRET on every node to sync across hosts.
     */
    REMOTE_WITHOUT_SECRET,
    /** A frame after the handshake failed its integrity check (altered, replayed, reordered or injected). */
    BAD_FRAME_MAC,
    /** Malformed frame, unknown type, garbage body, unexpected or out-of-order message. */
    PROTOCOL_ERROR;

    /** True for the reasons that mean "failed authentication". */
    public boolean isAuthFailure() {
        return this == BAD_PROOF || this == MISSING_PROOF || this == SECRET_NOT_CONFIGURED
                || this == REMOTE_WITHOUT_SECRET || this == BAD_FRAME_MAC;
    }
}
