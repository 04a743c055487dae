package dev.peersync.review.internal.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTest {
    @Test
    void like_patterns_escape_wildcards_and_the_escape_character() {
        assertThat(Sql.likeContains("tea")).isEqualTo("%tea%");
        assertThat(Sql.likeContains("100%")).isEqualTo("%100!%%");
        assertThat(Sql.likeContains("a_b!")).isEqualTo("%a!_b!!%");
    }
}
