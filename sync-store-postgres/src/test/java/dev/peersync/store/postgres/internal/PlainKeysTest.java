package dev.peersync.store.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys read in Java only when their text is exactly the canonical text the database writes for their values. */
class PlainKeysTest {
    private static final List<PgTable.Column> UUID_KEY = List.of(new PgTable.Column("id", "uuid"));
    private static final List<PgTable.Column> INT_TEXT_KEY = List.of(new PgTable.Column("id", "bigint"),
            new PgTable.Column("code", "character varying(20)"));

    @Test
    void canonical_keys_of_plain_types_are_read() {
        assertThat(PlainKeys.values("[\"4b7c6d2e-0000-4000-8000-00000000000a\"]", UUID_KEY))
                .containsExactly("4b7c6d2e-0000-4000-8000-00000000000a");
        assertThat(PlainKeys.values("[-12, \"ü x\"]", INT_TEXT_KEY)).containsExactly("-12", "ü x");
        assertThat(PlainKeys.values("[0, \"\"]", INT_TEXT_KEY)).containsExactly("0", "");
    }

    @Test
    void anything_else_is_left_to_the_database() {
        assertThat(PlainKeys.values("[\"4B7C6D2E-0000-4000-8000-00000000000A\"]", UUID_KEY)).as("upper case").isNull();
        assertThat(PlainKeys.values("[\"4b7c6d2e-0-4000-8000-00000000000a\"]", UUID_KEY)).as("short uuid").isNull();
        assertThat(PlainKeys.values("[12]", UUID_KEY)).as("a number for a uuid").isNull();
        assertThat(PlainKeys.values("[012, \"a\"]", INT_TEXT_KEY)).as("leading zero").isNull();
        assertThat(PlainKeys.values("[1.0, \"a\"]", INT_TEXT_KEY)).as("a fraction").isNull();
        assertThat(PlainKeys.values("[\"1\", \"a\"]", INT_TEXT_KEY)).as("a string for an integer").isNull();
        assertThat(PlainKeys.values("[1,\"a\"]", INT_TEXT_KEY)).as("no space after the comma").isNull();
        assertThat(PlainKeys.values("[1, \"a\\\"b\"]", INT_TEXT_KEY)).as("an escape").isNull();
        assertThat(PlainKeys.values("[1, \"a\tb\"]", INT_TEXT_KEY)).as("a raw control character").isNull();
        assertThat(PlainKeys.values("[1]", INT_TEXT_KEY)).as("a column missing").isNull();
        assertThat(PlainKeys.values("[1, \"a\", 2]", INT_TEXT_KEY)).as("a column too many").isNull();
        assertThat(PlainKeys.values("1, \"a\"", INT_TEXT_KEY)).as("not an array").isNull();
        assertThat(PlainKeys.readable(new PgTable("t", "public", "t", List.of(new PgTable.Column("at",
                "timestamp with time zone")), List.of(), false, java.util.Set.of(), "peersync", List.of(), List.of(),
                1))).as("a timestamp key").isFalse();
    }
}
