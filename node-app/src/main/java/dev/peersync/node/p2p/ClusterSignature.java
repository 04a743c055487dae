package dev.peersync.node.p2p;

import dev.peersync.review.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof that an HTTP request comes from a node that knows the cluster secret, bound to the whole request and
 * usable once:
 * <pre>
 *   X-Peersync-Timestamp: &lt;epoch milliseconds&gt;
 *   X-Peersync-Nonce:     &lt;16..64 hex characters, fresh per request&gt;
 *   X-Peersync-Signature: hex(HMAC-SHA256(key,
 *       "peersync-http-v3\n" METHOD "\n" path "\n" query "\n" timestamp "\n" nonce "\n" hex(SHA-256(body))))
 *   key = scrypt(CLUSTER_SECRET, salt = "peersync-http", N = 2^15, r = 8, p = 1, 32 bytes)
 * </pre>
 * The key is derived by scrypt, not the secret itself: whoever records a signed request (plain HTTP) can test guesses
 * of the secret offline, and each guess then costs one scrypt (as discovery's announcements, docs/security.md).
 * A timestamp further than {@link #WINDOW} from this node's clock is refused as stale, a nonce already seen within
 * the window as a replay ({@link NonceCache}); so a recorded request cannot be sent again, nor its signature moved
 * to another path, query or body. Used by {@code table-data} and {@code sync-table}.
 */
public final class ClusterSignature {
    public static final String HEADER = "X-Peersync-Signature";
    public static final String TIMESTAMP_HEADER = "X-Peersync-Timestamp";
    public static final String NONCE_HEADER = "X-Peersync-Nonce";
    /** How far a signed request's timestamp may be from this node's clock (either way). */
    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final String ALGORITHM = "HmacSHA256";
    private static final String CONTEXT = "peersync-http-v3";
    private static final byte[] KDF_SALT = "peersync-http".getBytes(StandardCharsets.UTF_8);
    /** Derived keys by secret: a client signing many requests pays the scrypt once. */
    private static final java.util.Map<String, SecretKeySpec> DERIVED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Optional<SecretKeySpec> key;
    private final Clock clock;
    private final NonceCache nonces;

    public ClusterSignature(Optional<String> clusterSecret, Clock clock) {
        this.key = Objects.requireNonNull(clusterSecret, "clusterSecret").map(ClusterSignature::keyOf);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nonces = new NonceCache(WINDOW.multipliedBy(2), 100_000);
    }

    /** True when a cluster secret is configured (requests can then be signed). */
    public boolean enabled() {
        return key.isPresent();
    }

    /** What a signed request covers. {@code query} is the raw query string, empty or null when there is none. */
    public record Request(String method, String path, String query, byte[] body) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            query = query == null ? "" : query;
            body = body == null ? new byte[0] : body;
        }
    }

    /** The signature header value for {@code request} signed at {@code timestampMillis} with {@code nonce}. */
    public static String sign(String secret, Request request, long timestampMillis, String nonce) {
        return HexFormat.of().formatHex(mac(keyOf(secret), canonical(request, timestampMillis, nonce)));
    }

    /** The signing key of a secret: scrypt (about 100 ms, 32 MiB), once per secret in this JVM. */
    static SecretKeySpec keyOf(String secret) {
        return DERIVED.computeIfAbsent(secret, s -> new SecretKeySpec(org.bouncycastle.crypto.generators.SCrypt.generate(
                s.getBytes(StandardCharsets.UTF_8), KDF_SALT, 1 << 15, 8, 1, 32), ALGORITHM));
    }

    /** The three headers that sign {@code request} now, with a fresh random nonce. */
    public static java.util.Map<String, String> headers(String secret, Request request, long nowMillis) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String nonce = HexFormat.of().formatHex(random);
        return java.util.Map.of(TIMESTAMP_HEADER, Long.toString(nowMillis), NONCE_HEADER, nonce,
                HEADER, sign(secret, request, nowMillis, nonce));
    }

    /**
     * Throws 401 unless the request carries a fresh, unused, valid signature. Call only when {@link #enabled()}.
     */
    public void verify(Request request, String signature, String timestamp, String nonce) {
        if (key.isEmpty()) {
            throw new IllegalStateException("no cluster secret is configured");
        }
        if (signature == null || signature.isBlank() || timestamp == null || nonce == null) {
            throw ApiException.unauthorized("This request needs the cluster's signature: headers " + TIMESTAMP_HEADER
                    + " (epoch ms), " + NONCE_HEADER + " (16-64 hex characters, new for every request) and " + HEADER
                    + " (see docs/security.md), or the admin token");
        }
        long millis;
        try {
            millis = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw ApiException.unauthorized(TIMESTAMP_HEADER + " must be epoch milliseconds");
        }
        String n = nonce.trim().toLowerCase(Locale.ROOT);
        if (!n.matches("[0-9a-f]{16,64}")) {
            throw ApiException.unauthorized(NONCE_HEADER + " must be 16 to 64 hex characters");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.unauthorized(HEADER + " must be hex");
        }
        if (!MessageDigest.isEqual(given, mac(key.get(), canonical(request, millis, n)))) {
            throw ApiException.unauthorized(HEADER + " does not match the request: wrong cluster secret or altered "
                    + "request");
        }
        long now = clock.millis();
        if (Math.abs(now - millis) > WINDOW.toMillis()) {
            throw ApiException.unauthorized("The signed request is stale: its timestamp is " + (now - millis)
                    + " ms from this node's clock, more than " + WINDOW.toMinutes() + " minutes (replayed, or the "
                    + "clocks disagree: check NTP)");
        }
        if (!nonces.firstUse(n, now)) {
            throw ApiException.unauthorized("The signed request was already used (" + NONCE_HEADER
                    + " seen before): replays are refused; sign every request with a new nonce");
        }
    }

    private static byte[] canonical(Request r, long timestampMillis, String nonce) {
        String text = CONTEXT + "\n" + r.method().toUpperCase(Locale.ROOT) + "\n" + r.path() + "\n" + r.query() + "\n"
                + timestampMillis + "\n" + nonce.toLowerCase(Locale.ROOT) + "\n" + sha256Hex(r.body());
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static byte[] mac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }
}
