package dev.peersync.review.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.review.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Principal alice = new Principal(UUID.randomUUID(), "alice");

    private static TokenService at(Instant now, String secret) {
        return new TokenService(secret, Duration.ofMinutes(10), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void a_token_verifies_on_any_service_with_the_same_secret() {
        String token = at(T0, SECRET).issue(alice);

        assertThat(at(T0.plusSeconds(60), SECRET).verify(token)).isEqualTo(alice);
    }

    @Test
    void a_token_signed_with_another_secret_is_refused() {
        String token = at(T0, "another-secret-another-secret-another").issue(alice);

        assertThatThrownBy(() -> at(T0, SECRET).verify(token))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void a_token_is_refused_once_expired_beyond_the_leeway() {
        String token = at(T0, SECRET).issue(alice);

        assertThat(at(T0.plus(Duration.ofMinutes(10)).plusSeconds(20), SECRET).verify(token)).isEqualTo(alice);
        assertThatThrownBy(() -> at(T0.plus(Duration.ofMinutes(11)), SECRET).verify(token))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("unauthorized"));
    }

    @Test
    void garbage_is_refused_with_401() {
        assertThatThrownBy(() -> at(T0, SECRET).verify("a.b.c"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
}
