package dev.peersync.store.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopLevelKeysTest {
    @Test
    void only_the_keys_of_the_top_level_are_read() {
        assertThat(TopLevelKeys.of("{\"id\": 1, \"name\": \"x\"}")).containsExactlyInAnyOrder("id", "name");
        assertThat(TopLevelKeys.of("{}")).isEmpty();
        // Nested objects and strings that look like keys are values, not keys.
        assertThat(TopLevelKeys.of("{\"attributes\": {\"color\": \"red\", \"size\": [1, {\"x\": 2}]},"
                + " \"name\": \"a, \\\"b\\\": c\", \"tags\": [\"u\", \"v\"]}"))
                .containsExactlyInAnyOrder("attributes", "name", "tags");
        assertThat(TopLevelKeys.of(" {\"a\": null, \"b\": [2, {\"c\": 3}], \"d\": \"\\\\\"}"))
                .containsExactlyInAnyOrder("a", "b", "d");
    }

    @Test
    void what_it_does_not_read_plainly_is_null() {
        assertThat(TopLevelKeys.of("{\"n\\u0061me\": 1}")).as("escaped key").isNull();
        assertThat(TopLevelKeys.of("[1, 2]")).as("not an object").isNull();
        assertThat(TopLevelKeys.of("{\"id\": \"unterminated")).isNull();
        assertThat(TopLevelKeys.of("{\"id\": [1, 2}")).as("unbalanced").isNull();
        assertThat(TopLevelKeys.of("")).isNull();
    }
}
