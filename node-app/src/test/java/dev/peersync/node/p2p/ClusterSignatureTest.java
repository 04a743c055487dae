package dev.peersync.node.p2p;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.node.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterSignatureTest {
    private static final byte[] BODY = "{\"rows\":[]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_body_signed_with_the_cluster_secret_passes() {
        ClusterSignature signature = new ClusterSignature(Optional.of("cluster-secret"));

        assertThatCode(() -> signature.verify(ClusterSignature.sign("cluster-secret", BODY), BODY))
                .doesNotThrowAnyException();
    }

    @Test
    void rfc4231_style_vector_matches() {
        // HMAC-SHA256(key="key", "The quick brown fox jumps over the lazy dog"), a widely published value.
        byte[] body = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThat(ClusterSignature.sign("key", body))
                .isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    }

    @Test
    void missing_wrong_or_garbled_signatures_are_401() {
        ClusterSignature signature = new ClusterSignature(Optional.of("cluster-secret"));

        assertUnauthorized(() -> signature.verify(null, BODY));
        assertUnauthorized(() -> signature.verify(ClusterSignature.sign("other-secret", BODY), BODY));
        assertUnauthorized(() -> signature.verify("zz-not-hex", BODY));
        assertUnauthorized(() -> signature.verify(ClusterSignature.sign("cluster-secret", BODY),
                "{\"rows\":[1]}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void an_open_cluster_checks_nothing() {
        assertThatCode(() -> new ClusterSignature(Optional.empty()).verify(null, BODY)).doesNotThrowAnyException();
    }

    private static void assertUnauthorized(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(401));
    }
}
