package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReviewApiSettingsTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void a_secret_shorter_than_32_bytes_is_refused_naming_JWT_SECRET() {
        assertThatThrownBy(() -> ReviewApiSettings.defaults("too-short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JWT_SECRET")
                .hasMessageContaining("32 bytes")
                .hasMessageContaining("got 9");
    }

    @Test
    void a_32_byte_secret_is_accepted_with_defaults() {
        ReviewApiSettings settings = ReviewApiSettings.defaults(SECRET);

        assertThat(settings.tokenTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.bcryptCost()).isEqualTo(10);
    }

    @Test
    void out_of_range_values_are_refused_naming_the_setting() {
        ReviewApiSettings settings = ReviewApiSettings.defaults(SECRET);

        assertThatThrownBy(() -> settings.toBuilder().tokenTtl(Duration.ZERO).build()).hasMessageContaining("tokenTtl");
        assertThatThrownBy(() -> settings.toBuilder().maxBodyBytes(10).build()).hasMessageContaining("maxBodyBytes");
        assertThatThrownBy(() -> settings.toBuilder().bcryptCost(3).build()).hasMessageContaining("bcryptCost");
        assertThatThrownBy(() -> ReviewApiSettings.defaults(null)).hasMessageContaining("JWT_SECRET");
    }

    @Test
    void to_string_hides_the_secret() {
        assertThat(ReviewApiSettings.defaults(SECRET).toString()).doesNotContain(SECRET).contains("hidden");
    }
}
