package dev.peersync.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void libpq_form_becomes_jdbc_with_credentials_taken_out() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://user:pass@localhost:5432/reviews");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/reviews");
        assertThat(url.user()).contains("user");
        assertThat(url.password()).contains("pass");
    }

    @Test
    void postgres_scheme_without_port_or_password_is_accepted() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app@db/reviews");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db/reviews");
        assertThat(url.user()).contains("app");
        assertThat(url.password()).isEmpty();
    }

    @Test
    void jdbc_form_is_kept_as_is() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db:5433/reviews?user=a&password=b");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/reviews?user=a&password=b");
        assertThat(url.user()).isEmpty();
        assertThat(url.redacted()).isEqualTo("jdbc:postgresql://db:5433/reviews?user=a&password=***");
    }

    @Test
    void other_schemes_and_missing_parts_are_refused() {
        assertThatThrownBy(() -> DatabaseUrl.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatabaseUrl.parse("http://h/db")).hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///db")).hasMessageContaining("host");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://h:99999/db")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql://h/")).hasMessageContaining("database");
    }

    @Test
    void redaction_hides_user_info_passwords() {
        assertThat(DatabaseUrl.redact("postgresql://u:secret@h/db")).isEqualTo("postgresql://u:***@h/db");
    }
}
