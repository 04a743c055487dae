package dev.peersync.transport.netty.internal;

import dev.peersync.core.NodeId;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.BigIntegers;

/**
 * The cluster secret's part in the handshake: a password-authenticated key exchange (J-PAKE, {@link PakeSession})
 * instead of a challenge-response. With an HMAC proof, whoever received one could test guesses of the secret
 * offline; with J-PAKE the messages of rounds 1 and 2 allow no such test, and a key confirmation only tells its
 * receiver whether the one password it committed to in that connection was right (one online guess per
 * connection). The password of the exchange is
 * <pre>
 *   password = hex(HMAC-SHA256(secret, "peersync-pake" | protocol version | cluster id))
 * </pre>
 * so a secret shared by two clusters, or two protocol versions, gives unrelated keys. The frame MAC keys are
 * derived from the exchange's keying material ({@link #sessionKeys}); {@code |} joins length-prefixed fields.
 */
public final class HandshakeAuth {
    public static final int NONCE_SIZE = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final char[] password;

    public HandshakeAuth(byte[] secret, String clusterId) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        this.password = password(secret, clusterId);
    }

    /** The J-PAKE password of a secret in a cluster (see the class comment). */
    static char[] password(byte[] secret, String clusterId) {
        byte[] derived = hmac(secret, fields("peersync-pake".getBytes(StandardCharsets.UTF_8),
                new byte[] {WireFormat.VERSION}, clusterId.getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(derived).toCharArray();
    }

    public static byte[] newNonce() {
        byte[] nonce = new byte[NONCE_SIZE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** A fresh exchange between this node and {@code peer} (ids must differ). */
    PakeSession newSession(NodeId own, NodeId peer) {
        return new PakeSession(password, own, peer);
    }

    /** The two frame MAC keys of one connection: each side sends with one and receives with the other. */
    public record SessionKeys(byte[] diallerToAcceptor, byte[] acceptorToDialler) {
    }

    /**
     * Keys for {@link FrameMac}, HKDF-style (RFC 5869, SHA-256) from the J-PAKE keying material of this connection:
     * {@code prk = HMAC(dialler nonce | acceptor nonce, keying material)}, then one expansion per direction,
     * {@code HMAC(prk, "peersync-frames dialler->acceptor" | 1)} and the same for the other direction. Nobody
     * without the secret can compute them, even having seen or taken part in the exchange.
     */
    public static SessionKeys sessionKeys(BigInteger keyingMaterial, byte[] diallerNonce, byte[] acceptorNonce) {
        byte[] prk = hmac(fields(diallerNonce, acceptorNonce), BigIntegers.asUnsignedByteArray(keyingMaterial));
        return new SessionKeys(expand(prk, "peersync-frames dialler->acceptor"),
                expand(prk, "peersync-frames acceptor->dialler"));
    }

    /** HKDF-Expand for one 32-byte block: {@code HMAC(prk, info | 0x01)}. */
    private static byte[] expand(byte[] prk, String info) {
        byte[] text = info.getBytes(StandardCharsets.UTF_8);
        byte[] block = Arrays.copyOf(text, text.length + 1);
        block[text.length] = 1;
        return hmac(prk, block);
    }

    /** Each field preceded by its length (4 bytes, big-endian), so no two field lists join to the same bytes. */
    private static byte[] fields(byte[]... fields) {
        ByteBuffer out = ByteBuffer.allocate(Arrays.stream(fields).mapToInt(f -> 4 + f.length).sum());
        for (byte[] field : fields) {
            out.putInt(field.length).put(field);
        }
        return out.array();
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
