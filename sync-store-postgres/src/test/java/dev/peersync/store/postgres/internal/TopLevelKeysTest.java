package dev.peersync.store.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TopLevelKeysTest {
    private static final Set<String> KNOWN = Set.of("id", "name", "tags", "attributes");

    @Test
    void only_known_keys_at_the_top_level_say_no() {
        assertThat(TopLevelKeys.anyOutside("{\"id\": 1, \"name\": \"x\"}", KNOWN)).isFalse();
        assertThat(TopLevelKeys.anyOutside("{}", KNOWN)).isFalse();
        // Nested objects and strings that look like keys are values, not keys.
        assertThat(TopLevelKeys.anyOutside("{\"attributes\": {\"color\": \"red\", \"size\": [1, {\"x\": 2}]},"
                + " \"name\": \"a, \\\"b\\\": c\", \"tags\": [\"u\", \"v\"]}", KNOWN)).isFalse();
    }

    @Test
    void an_unknown_key_says_yes() {
        assertThat(TopLevelKeys.anyOutside("{\"id\": 1, \"color\": \"red\"}", KNOWN)).isTrue();
        assertThat(TopLevelKeys.anyOutside("{\"attributes\": {\"id\": 1}, \"extra\": null}", KNOWN)).isTrue();
    }

    @Test
    void what_it_does_not_read_plainly_says_yes() {
        assertThat(TopLevelKeys.anyOutside("{\"n\\u0061me\": 1}", KNOWN)).as("escaped key").isTrue();
        assertThat(TopLevelKeys.anyOutside("[1, 2]", KNOWN)).as("not an object").isTrue();
        assertThat(TopLevelKeys.anyOutside("{\"id\": \"unterminated", KNOWN)).isTrue();
        assertThat(TopLevelKeys.anyOutside("{\"id\": [1, 2}", KNOWN)).as("unbalanced").isTrue();
        assertThat(TopLevelKeys.anyOutside("", KNOWN)).isTrue();
    }

    @Test
    void a_row_lacking_a_required_key_says_yes() {
        assertThat(TopLevelKeys.lacksAny("{\"id\": 1, \"name\": \"x\"}", Set.of("name"))).isFalse();
        assertThat(TopLevelKeys.lacksAny("{\"id\": 1, \"attributes\": {\"name\": 1}}", Set.of("name")))
                .as("a nested key does not count").isTrue();
        assertThat(TopLevelKeys.lacksAny("{\"n\\u0061me\": 1}", Set.of("name"))).as("escaped key").isTrue();
        assertThat(TopLevelKeys.of("{\"a\": 1, \"b\": [2, {\"c\": 3}]}")).containsExactlyInAnyOrder("a", "b");
    }
}
