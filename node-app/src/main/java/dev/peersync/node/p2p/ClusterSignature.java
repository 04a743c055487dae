package dev.peersync.node.p2p;

import dev.peersync.node.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof that an HTTP request comes from a node that knows the cluster secret: header
 * {@code X-Peersync-Signature: <hex HMAC-SHA256(CLUSTER_SECRET, raw request body)>} on
 * {@code POST /api/v1/p2p/sync-table/{table}}, and over the request line ({@link #requestLine}) on
 * {@code GET /api/v1/p2p/table-data/{table}}. Without a cluster secret the cluster is open and nothing is checked.
 */
public final class ClusterSignature {
    public static final String HEADER = "X-Peersync-Signature";
    private static final String ALGORITHM = "HmacSHA256";

    private final Optional<SecretKeySpec> key;

    public ClusterSignature(Optional<String> clusterSecret) {
        this.key = Objects.requireNonNull(clusterSecret, "clusterSecret")
                .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), ALGORITHM));
    }

    /** The header value for {@code body} signed with {@code secret}. */
    public static String sign(String secret, byte[] body) {
        return HexFormat.of().formatHex(mac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM),
                body));
    }

    /** True when a cluster secret is configured (requests must then be signed). */
    public boolean enabled() {
        return key.isPresent();
    }

    /** The signature a GET must carry: over {@code "GET " + path + ("?" + query, when there is one)}. */
    public static byte[] requestLine(String path, String query) {
        return ("GET " + path + (query == null || query.isEmpty() ? "" : "?" + query))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Throws 401 when a secret is configured and {@code header} is not the body's signature. */
    public void verify(String header, byte[] body) {
        if (key.isEmpty()) {
            return;
        }
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized("This cluster has a secret: send " + HEADER
                    + ": hex(HMAC-SHA256(CLUSTER_SECRET, x)) where x is the body of a POST, or 'GET <path>?<query>' "
                    + "of a GET");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.unauthorized(HEADER + " must be hex");
        }
        if (!MessageDigest.isEqual(given, mac(key.get(), body))) {
            throw ApiException.unauthorized(HEADER + " does not match the request: wrong cluster secret or altered "
                    + "request");
        }
    }

    private static byte[] mac(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }
}
