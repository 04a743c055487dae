package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.RowChange;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.store.postgres.internal.PgStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch whose rows are all new here goes in by plain insert and COPY ({@code NewRowsApply}) and leaves the node as
 * the merge rule's path would: same rows, same digests, a feed that relays them with their origin transactions. Any
 * batch it cannot take is left to the merge rule's path, with nothing of its own kept.
 */
class NewRowsApplyIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    /** Batches taken by the new-rows path and batches it tried and left, on {@code node}. */
    private static List<Long> newRows(TestNode node) {
        long[] counts = ((PgStore) node.store).newRowsBatches();
        return List.of(counts[0], counts[1]);
    }

    @Test
    void new_rows_of_three_tables_go_in_with_the_digests_and_relay_of_the_merge_rule_path() {
        TestNode a = nodes.create("newrows_a");
        TestNode b = nodes.create("newrows_b");
        TestNode c = nodes.create("newrows_c");
        for (int i = 0; i < 5; i++) {
            ApplyIT.insertReviewChain(a);
        }
        List<RowChange> rows = ApplyIT.everything(a);

        ApplyResult result = b.store.applyRows(a.id(), rows);

        assertThat(newRows(b)).as("taken, declined").containsExactly(1L, 0L);
        assertThat(result.applied()).isEqualTo(15);
        assertThat(result.appliedPerTable()).containsOnly(java.util.Map.entry("users", 5),
                java.util.Map.entry("products", 5), java.util.Map.entry("reviews", 5));
        assertThat(result.perOrigin().get(a.id()).applied()).isEqualTo(15);
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
        // B's feed relays them with their origin's versions and transactions, in one transaction of its own.
        List<RowChange> relayed = ApplyIT.everything(b);
        assertThat(relayed).hasSize(15).allSatisfy(r -> assertThat(r.origin()).isEqualTo(a.id()));
        assertThat(relayed.stream().map(r -> r.table() + r.pk() + r.hlc() + r.originTx()).sorted().toList())
                .isEqualTo(rows.stream().map(r -> r.table() + r.pk() + r.hlc() + r.originTx()).sorted().toList());
        c.pullFrom(b);
        assertThat(c.content()).isEqualTo(a.content());
        assertThat(c.digests()).isEqualTo(a.digests());
        // Written as its own: a later local update there is captured over the applied version.
        b.sql("UPDATE products SET name = 'desk'");
        a.pullFrom(b);
        assertThat(a.content()).isEqualTo(b.content());
        assertThat(a.digests()).isEqualTo(b.digests());
    }

    @Test
    void new_rows_with_column_versions_go_in_with_the_digests_of_their_origin() {
        TestNode a = nodes.create("newcv_a");
        TestNode b = nodes.create("newcv_b");
        for (int i = 0; i < 3; i++) {
            ApplyIT.insertReviewChain(a);
        }
        a.sql("UPDATE reviews SET rating = 2, title = 'changed'"); // the other columns keep their versions
        List<RowChange> rows = ApplyIT.everything(a);
        assertThat(rows).filteredOn(r -> r.table().equals("reviews")).allSatisfy(r -> assertThat(r.columns()).isNotNull());

        b.store.applyRows(a.id(), rows);

        assertThat(newRows(b)).as("taken, declined").containsExactly(1L, 0L);
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
        assertThat(b.rows("SELECT _cv FROM peersync.m_reviews ORDER BY id").toString())
                .isEqualTo(a.rows("SELECT _cv FROM peersync.m_reviews ORDER BY id").toString());
    }

    @Test
    void a_batch_with_a_key_held_here_is_left_to_the_merge_rule_path() {
        TestNode a = nodes.create("held_a");
        TestNode b = nodes.create("held_b");
        ApplyIT.insertReviewChain(a);
        List<RowChange> rows = ApplyIT.everything(a);
        b.store.applyRows(a.id(), rows.stream().filter(r -> r.table().equals("users")).toList());
        assertThat(newRows(b)).containsExactly(1L, 0L);

        ApplyResult all = b.store.applyRows(a.id(), rows);

        assertThat(newRows(b)).as("declined by the check, before any write").containsExactly(1L, 1L);
        assertThat(all.applied()).isEqualTo(2);
        assertThat(all.skipped()).isEqualTo(1);
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    @Test
    void a_row_whose_parent_is_missing_fails_the_insert_and_is_parked_by_the_merge_rule_path() {
        TestNode a = nodes.create("orphan_a");
        TestNode b = nodes.create("orphan_b");
        ApplyIT.insertReviewChain(a);
        List<RowChange> rows = ApplyIT.everything(a);
        List<RowChange> reviewAndUser = rows.stream().filter(r -> !r.table().equals("products")).toList();

        ApplyResult first = b.store.applyRows(a.id(), reviewAndUser);

        assertThat(newRows(b)).as("declined by the insert, rolled back").containsExactly(0L, 1L);
        assertThat(first.applied()).isEqualTo(1);
        assertThat(first.parked()).isEqualTo(1);
        assertThat(b.count("SELECT count(*) FROM users")).isEqualTo(1);
        assertThat(b.count("SELECT count(*) FROM peersync.m_users")).isEqualTo(1);
        b.store.applyRows(a.id(), rows.stream().filter(r -> r.table().equals("products")).toList());
        b.store.retryParked();
        assertThat(b.store.parkedCount()).isZero();
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    @Test
    void a_key_not_in_canonical_form_and_versions_ahead_of_our_clock_take_the_merge_rule_path() {
        TestNode a = nodes.create("odd_a");
        TestNode b = nodes.create("odd_b");
        ApplyIT.insertReviewChain(a);
        RowChange user = ApplyIT.everything(a).stream().filter(r -> r.table().equals("users")).findFirst().orElseThrow();
        RowChange shouting = new RowChange(user.table(), user.pk().toUpperCase(Locale.ROOT), user.hlc(), user.origin(),
                false, user.data(), false, user.originTx());

        assertThat(b.store.applyRows(a.id(), List.of(shouting)).applied()).isEqualTo(1);

        assertThat(newRows(b)).as("not tried: the key's text is not canonical").containsExactly(0L, 0L);
        assertThat(b.store.digest("users")).as("the merge rule's path made the key canonical")
                .isEqualTo(a.store.digest("users"));

        long aheadHlc = (System.currentTimeMillis() + 3_600_000L) << 16;
        List<RowChange> ahead = new ArrayList<>();
        ApplyIT.insertReviewChain(a);
        for (RowChange r : ApplyIT.everything(a)) {
            if (r.table().equals("users") && !r.pk().equals(user.pk())) {
                ahead.add(new RowChange(r.table(), r.pk(), aheadHlc, r.origin(), false, r.data(), false, r.originTx()));
            }
        }
        ApplyResult parked = b.store.applyRows(a.id(), ahead);
        assertThat(newRows(b)).as("declined by the clock check").containsExactly(0L, 1L);
        assertThat(parked.parked()).isEqualTo(1);
        assertThat(b.count("SELECT count(*) FROM users")).isEqualTo(1);
    }

    @Test
    void new_rows_of_every_plain_type_hold_the_values_written_on_their_origin() {
        String ddl = """
                CREATE TABLE typed (id bigint PRIMARY KEY, n numeric, n2 numeric(10,3), t timestamptz, ts timestamp,
                                    d date, j jsonb, u uuid, s text, v varchar(40), b bytea, f float8, r real,
                                    flag boolean, i interval, small smallint, nothing text);
                """;
        StoreSettings settings = StoreSettings.of(List.of("typed"));
        TestNode a = nodes.create("copy_a", settings, ddl);
        TestNode b = nodes.create("copy_b", settings, ddl);
        a.sql("""
                INSERT INTO typed VALUES
                 (1, 12345678901234567890.123456789, 1.500, '2024-02-29 23:59:59.123456+05:30', '2024-02-29 01:02:03',
                  '2024-01-01', '{"a": [1, 2.50, null, "x\\ty"], "nested": {"k": true}, "q": "\\\\ \\""}',
                  gen_random_uuid(), E'quote '' and "dq" and ü, tab\\t, newline\\n, backslash \\\\ end', 'v',
                  '\\x00ff10'::bytea, 0.1, 1.5, true, '1 day 02:03:04', -32768, NULL),
                 (2, 'NaN', NULL, 'infinity', '-infinity', 'infinity', '"a string"', NULL, '', '', ''::bytea,
                  '-Infinity', 'NaN', false, '-3 mons', 0, NULL),
                 (3, NULL, NULL, NULL, NULL, NULL, 'null', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                 (4, -0.0, 0, '1970-01-01 00:00:00+00', '0001-01-01 00:00:00', '0001-01-01 BC', '[]', NULL, E'\u2603',
                  NULL, NULL, 1e308, 3.4e38, NULL, '0', 1, NULL)""");

        b.pullFrom(a);

        assertThat(newRows(b)).as("taken, declined").containsExactly(1L, 0L);
        String columns = "id, n::text, n2::text, t::text, ts::text, d::text, j::text, u, s, v, b::text, f::text,"
                + " r::text, flag, i::text, small, nothing";
        String rowsA = a.rows("SELECT " + columns + " FROM typed ORDER BY id").toString();
        assertThat(b.rows("SELECT " + columns + " FROM typed ORDER BY id").toString()).isEqualTo(rowsA);
        assertThat(b.store.digest("typed")).isEqualTo(a.store.digest("typed"));
    }

    @Test
    void keys_of_other_types_go_in_too() {
        String ddl = "CREATE TABLE tagged (id bigint, code text, label varchar(20), PRIMARY KEY (id, code));";
        StoreSettings settings = StoreSettings.of(List.of("tagged"));
        TestNode a = nodes.create("keys_a", settings, ddl);
        TestNode b = nodes.create("keys_b", settings, ddl);
        a.sql("INSERT INTO tagged VALUES (-7, 'ü x', 'one'), (0, '', 'two'), (9007199254740993, 'ab', 'three')");
        b.pullFrom(a);
        assertThat(newRows(b).get(0)).as("taken").isEqualTo(1L);
        // A key whose JSON text escapes a character: its value is for the database to read.
        a.sql("INSERT INTO tagged VALUES (1, 'a\"b\\c', 'four')");
        b.pullFrom(a);
        assertThat(newRows(b)).as("taken, declined").containsExactly(1L, 0L);
        assertThat(b.rows("SELECT * FROM tagged ORDER BY id").toString())
                .isEqualTo(a.rows("SELECT * FROM tagged ORDER BY id").toString());
        assertThat(b.store.digest("tagged")).isEqualTo(a.store.digest("tagged"));
    }
}
