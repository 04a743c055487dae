package dev.peersync.transport.netty.internal;

import dev.peersync.core.NodeId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The challenge-response of the handshake. Each side proves it knows the cluster secret with
 * <pre>
 *   proof = HMAC-SHA256(secret, "peersync-v1" | own nonce | peer nonce | own node id | cluster id)
 * </pre>
 * where {@code |} joins length-prefixed UTF-8/byte fields. Both nonces are fresh per connection, so a recorded
 * proof is worthless later; the sender's own nonce and node id come first, so a proof reflected back to its
 * sender does not verify. Comparison is constant-time.
 */
public final class HandshakeAuth {
    public static final int NONCE_SIZE = 32;
    private static final String CONTEXT = "peersync-v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;

    public HandshakeAuth(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        this.secret = secret.clone();
    }

    public static byte[] newNonce() {
        byte[] nonce = new byte[NONCE_SIZE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** The proof the side owning {@code ownNonce} and {@code ownNode} sends. */
    public byte[] proof(byte[] ownNonce, byte[] peerNonce, NodeId ownNode, String clusterId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            update(mac, CONTEXT.getBytes(StandardCharsets.UTF_8));
            update(mac, ownNonce);
            update(mac, peerNonce);
            update(mac, ownNode.toString().getBytes(StandardCharsets.UTF_8));
            update(mac, clusterId.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** The two frame MAC keys of one connection: each side sends with one and receives with the other. */
    public record SessionKeys(byte[] diallerToAcceptor, byte[] acceptorToDialler) {
    }

    /**
     * Keys for {@link FrameMac}, from the secret and both nonces of this connection:
     * {@code base = HMAC(secret, "peersync-frames-v1" | dialler nonce | acceptor nonce)}, then one HMAC of
     * {@code base} per direction. Nobody without the secret can compute them, even having seen the handshake.
     */
    public SessionKeys sessionKeys(byte[] diallerNonce, byte[] acceptorNonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            update(mac, "peersync-frames-v1".getBytes(StandardCharsets.UTF_8));
            update(mac, diallerNonce);
            update(mac, acceptorNonce);
            byte[] base = mac.doFinal();
            mac.init(new SecretKeySpec(base, "HmacSHA256"));
            byte[] toAcceptor = mac.doFinal("dialler->acceptor".getBytes(StandardCharsets.UTF_8));
            byte[] toDialler = mac.doFinal("acceptor->dialler".getBytes(StandardCharsets.UTF_8));
            return new SessionKeys(toAcceptor, toDialler);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** True when {@code proof} is what the peer owning {@code peerNonce} and {@code peerNode} must send. */
    public boolean verify(byte[] proof, byte[] peerNonce, byte[] ownNonce, NodeId peerNode, String clusterId) {
        return proof != null && MessageDigest.isEqual(proof(peerNonce, ownNonce, peerNode, clusterId), proof);
    }

    private static void update(Mac mac, byte[] field) {
        mac.update((byte) (field.length >>> 24));
        mac.update((byte) (field.length >>> 16));
        mac.update((byte) (field.length >>> 8));
        mac.update((byte) field.length);
        mac.update(field);
    }
}
