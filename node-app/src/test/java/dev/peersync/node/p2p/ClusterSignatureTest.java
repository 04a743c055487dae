package dev.peersync.node.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.review.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterSignatureTest {
    private static final String SECRET = "cluster-secret-Zr8kWq2nVx5tLp9bHc3mJf7d";
    private static final long NOW = 1_800_000_000_000L;
    private static final ClusterSignature.Request REQUEST = new ClusterSignature.Request("POST",
            "/api/v1/p2p/sync-table/users", "", "{\"rows\":[]}".getBytes(StandardCharsets.UTF_8));
    private static final String NONCE = "00112233445566778899aabbccddeeff";

    private final ClusterSignature signature = new ClusterSignature(Optional.of(SECRET),
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    private void verify(ClusterSignature.Request request, String secret, long at, String nonce) {
        signature.verify(request, ClusterSignature.sign(secret, REQUEST, at, nonce), Long.toString(at), nonce);
    }

    @Test
    void a_request_signed_with_the_cluster_secret_passes_once() {
        assertThatCode(() -> verify(REQUEST, SECRET, NOW, NONCE)).doesNotThrowAnyException();
        assertRefused(() -> verify(REQUEST, SECRET, NOW, NONCE), "already used");
    }

    @Test
    void the_signature_covers_method_path_query_and_body() {
        assertRefused(() -> verify(new ClusterSignature.Request("GET", REQUEST.path(), "", REQUEST.body()), SECRET,
                NOW, NONCE), "does not match");
        assertRefused(() -> verify(new ClusterSignature.Request("POST", "/api/v1/p2p/sync-table/products", "",
                REQUEST.body()), SECRET, NOW, NONCE), "does not match");
        assertRefused(() -> verify(new ClusterSignature.Request("POST", REQUEST.path(), "x=1", REQUEST.body()),
                SECRET, NOW, NONCE), "does not match");
        assertRefused(() -> verify(new ClusterSignature.Request("POST", REQUEST.path(), "",
                "{\"rows\":[1]}".getBytes(StandardCharsets.UTF_8)), SECRET, NOW, NONCE), "does not match");
    }

    @Test
    void another_secret_a_stale_timestamp_or_a_malformed_nonce_is_refused() {
        assertRefused(() -> verify(REQUEST, "other-secret-Zr8kWq2nVx5tLp9bHc3mJf7d", NOW, NONCE), "does not match");
        long stale = NOW - ClusterSignature.WINDOW.toMillis() - 1;
        assertRefused(() -> verify(REQUEST, SECRET, stale, NONCE), "stale");
        assertRefused(() -> verify(REQUEST, SECRET, NOW, "short"), "16 to 64 hex");
        assertRefused(() -> signature.verify(REQUEST, null, null, null), ClusterSignature.NONCE_HEADER);
    }

    @Test
    void headers_sign_a_request_with_a_fresh_nonce_each_time() {
        Map<String, String> first = ClusterSignature.headers(SECRET, REQUEST, NOW);
        Map<String, String> second = ClusterSignature.headers(SECRET, REQUEST, NOW);

        assertThat(first.get(ClusterSignature.NONCE_HEADER)).isNotEqualTo(second.get(ClusterSignature.NONCE_HEADER));
        for (Map<String, String> h : java.util.List.of(first, second)) {
            assertThatCode(() -> signature.verify(REQUEST, h.get(ClusterSignature.HEADER),
                    h.get(ClusterSignature.TIMESTAMP_HEADER), h.get(ClusterSignature.NONCE_HEADER)))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void the_mac_is_keyed_by_a_scrypt_of_the_secret_not_the_secret_itself() throws Exception {
        // What an eavesdropper could test guesses against at full speed if the secret keyed the MAC directly.
        String canonical = "peersync-http-v3\nPOST\n" + REQUEST.path() + "\n\n" + NOW + "\n" + NONCE + "\n"
                + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(REQUEST.body()));
        javax.crypto.Mac raw = javax.crypto.Mac.getInstance("HmacSHA256");
        raw.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String rawSigned = java.util.HexFormat.of().formatHex(raw.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        assertRefused(() -> signature.verify(REQUEST, rawSigned, Long.toString(NOW), NONCE), "does not match");

        javax.crypto.Mac derived = javax.crypto.Mac.getInstance("HmacSHA256");
        derived.init(new javax.crypto.spec.SecretKeySpec(org.bouncycastle.crypto.generators.SCrypt.generate(
                SECRET.getBytes(StandardCharsets.UTF_8), "peersync-http".getBytes(StandardCharsets.UTF_8),
                1 << 15, 8, 1, 32), "HmacSHA256"));
        String derivedSigned = java.util.HexFormat.of().formatHex(
                derived.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThatCode(() -> signature.verify(REQUEST, derivedSigned, Long.toString(NOW), NONCE))
                .doesNotThrowAnyException();
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(ApiException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(401));
    }
}
