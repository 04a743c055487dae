package dev.peersync.store.postgres;

import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.StoreSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snapshot pages: how an empty node joins without replaying a peer's whole feed. */
class SnapshotIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    /** Values COPY text must escape, characters of several UTF-8 bytes, nulls, arrays, JSON, bytes. */
    private static void populate(TestNode a, int reviews) {
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'user ' || g || E'\\t\\\\x\\n Zoë ✓ 😀', now()"
                + " FROM generate_series(1, 20) g");
        a.sql("INSERT INTO products SELECT gen_random_uuid(), E'tab\\there, newline\\nthere, back\\\\slash, \"q\" ' || g,"
                + " g * 1.25, jsonb_build_object('g', g, 's', E'a\\tb'), ARRAY['x', NULL, 'y z'] FROM generate_series(1, 10) g");
        a.sql("INSERT INTO reviews (id, product_id, user_id, rating, title, body, photo)"
                + " SELECT gen_random_uuid(), (SELECT id FROM products ORDER BY id OFFSET g % 10 LIMIT 1),"
                + " (SELECT id FROM users ORDER BY id OFFSET g % 20 LIMIT 1), 1 + g % 5,"
                + " CASE WHEN g % 7 = 0 THEN NULL ELSE 'title ' || g END, repeat('body ', 20),"
                + " CASE WHEN g % 3 = 0 THEN decode('00ff5c0a', 'hex') END FROM generate_series(1, " + reviews + ") g");
        a.sql("DELETE FROM reviews WHERE rating = 1 AND title IS NOT NULL AND id IN (SELECT id FROM reviews LIMIT 40)");
    }

    /** {@code source}'s first page of users (all 20 of {@link #populate}), asked for with {@code target}'s columns. */
    private static SnapshotPage usersPage(TestNode source, TestNode target) {
        return source.store.readSnapshot(new SnapshotRequest("users", target.store.snapshotColumns("users"), "", 100));
    }

    /** Loads every table of {@code source} into {@code target} page by page; returns the first page's cursor. */
    private static String join(TestNode target, TestNode source, int pageRows, Runnable afterFirstPage) {
        String cursor = null;
        for (String table : target.store.tables()) {
            List<String> columns = target.store.snapshotColumns(table);
            String after = "";
            while (true) {
                SnapshotPage page = source.store.readSnapshot(new SnapshotRequest(table, columns, after, pageRows));
                if (cursor == null) {
                    cursor = page.feedCursor();
                    afterFirstPage.run();
                }
                target.store.loadSnapshotPage(source.id(), table, page);
                if (!page.hasMore()) {
                    break;
                }
                after = page.lastPk();
            }
        }
        target.store.storeCursor(source.id(), cursor);
        return cursor;
    }

    @Test
    void an_empty_node_loads_the_pages_and_the_feed_from_the_first_cursor_brings_what_changed_meanwhile() {
        TestNode a = nodes.create("snap_a");
        TestNode b = nodes.create("snap_b");
        TestNode c = nodes.create("snap_c");
        populate(a, 2_500);
        assertThat(b.store.isEmpty()).isTrue();
        assertThat(a.store.isEmpty()).isFalse();

        UUID lateUser = UUID.randomUUID();
        join(b, a, 700, () -> {
            // Written after the cursor was taken: some pages still to come hold these, the feed holds all of them.
            a.sql("INSERT INTO users VALUES (?, 'late', now())", lateUser);
            a.sql("UPDATE products SET price = 99.99 WHERE id = (SELECT id FROM products ORDER BY id LIMIT 1)");
            a.sql("DELETE FROM reviews WHERE id = (SELECT id FROM reviews ORDER BY id DESC LIMIT 1)");
        });
        assertThat(b.count("SELECT count(*) FROM reviews")).isPositive();
        int applied = b.pullFrom(a);

        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
        // The feed after the join carries only what changed meanwhile (a row the pages already held is skipped).
        assertThat(applied).isBetween(0, 3);
        assertThat(b.count("SELECT count(*) FROM peersync.m_reviews WHERE _deleted"))
                .isEqualTo(a.count("SELECT count(*) FROM peersync.m_reviews WHERE _deleted")).isGreaterThan(1);
        // The loaded rows keep their origin versions, move B's clock past them and enter B's feed (relay to C).
        assertThat(b.store.currentHlc()).isGreaterThanOrEqualTo(a.count("SELECT max(_hlc) FROM peersync.m_reviews"));
        assertThat(b.count("SELECT count(*) FROM peersync.m_reviews WHERE _origin <> '" + a.id().value() + "'"))
                .isZero();
        c.pullFrom(b);
        assertThat(c.content()).isEqualTo(a.content());
        assertThat(c.digests()).isEqualTo(a.digests());
    }

    @Test
    void pages_of_new_rows_take_the_plain_insert_with_their_column_versions_and_tombstones() {
        TestNode a = nodes.create("snapfast_a");
        TestNode b = nodes.create("snapfast_b");
        populate(a, 20);
        TestNode.clockTicks();
        a.sql("UPDATE products SET price = price + 1"); // column versions: the other columns keep older ones
        a.sql("DELETE FROM reviews WHERE id IN (SELECT id FROM reviews LIMIT 3)");
        assertThat(a.count("SELECT count(*) FROM peersync.m_products WHERE _cv IS NOT NULL")).isPositive();
        for (String table : List.of("users", "products", "reviews")) {
            SnapshotPage page = a.store.readSnapshot(new SnapshotRequest(table, b.store.snapshotColumns(table), "", 10_000));
            ApplyResult loaded = b.store.loadSnapshotPage(a.id(), table, page);
            // The merge rule's path counts rows per origin; the plain insert, for pages of new rows only, does not.
            assertThat(loaded.perOrigin()).as("%s loaded by the plain insert", table).isEmpty();
            assertThat(loaded.applied()).isEqualTo(page.rows());
        }
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    @Test
    void loaded_rows_are_not_captured_as_local_writes() {
        TestNode a = nodes.create("snapcap_a");
        TestNode b = nodes.create("snapcap_b");
        populate(a, 50);
        join(b, a, 10_000, () -> { });
        long expected = a.count("SELECT count(*) FROM peersync.m_users") + a.count("SELECT count(*) FROM peersync.m_products")
                + a.count("SELECT count(*) FROM peersync.m_reviews");
        long own = b.count("SELECT (SELECT count(*) FROM peersync.m_users WHERE _origin = '" + b.id().value() + "')"
                + " + (SELECT count(*) FROM peersync.m_reviews WHERE _origin = '" + b.id().value() + "')");
        assertThat(own).isZero();
        assertThat(b.count("SELECT count(*) FROM peersync.m_users") + b.count("SELECT count(*) FROM peersync.m_products")
                + b.count("SELECT count(*) FROM peersync.m_reviews")).isEqualTo(expected);
        // A local write after the join is captured as usual.
        b.sql("INSERT INTO users VALUES (gen_random_uuid(), 'local', now())");
        assertThat(b.count("SELECT count(*) FROM peersync.m_users WHERE _origin = '" + b.id().value() + "'")).isOne();
    }

    @Test
    void a_page_with_a_key_already_here_goes_through_the_merge_rule() {
        TestNode a = nodes.create("snapdup_a");
        TestNode b = nodes.create("snapdup_b");
        populate(a, 10);
        UUID taken = (UUID) a.rows("SELECT id FROM users ORDER BY id LIMIT 1").get(0).get("id");
        TestNode.clockTicks();
        b.sql("INSERT INTO users VALUES (?, 'mine', now())", taken); // a later version than a's
        SnapshotPage page = usersPage(a, b);
        assertThat(page.rows()).isEqualTo(20);

        ApplyResult result = b.store.loadSnapshotPage(a.id(), "users", page);
        assertThat(result.applied()).isEqualTo(19);
        assertThat(result.skipped()).isEqualTo(1);
        assertThat(b.rows("SELECT username FROM users WHERE id = '" + taken + "'"))
                .extracting(r -> r.get("username")).containsExactly("mine");
        assertThat(b.count("SELECT count(*) FROM users")).isEqualTo(20);
        assertThat(b.count("SELECT count(*) FROM peersync.m_users")).isEqualTo(20);
    }

    @Test
    void rows_whose_parents_are_not_here_yet_are_parked_and_applied_once_the_parents_arrive() {
        TestNode a = nodes.create("snapfk_a");
        TestNode b = nodes.create("snapfk_b");
        populate(a, 30);
        long live = a.count("SELECT count(*) FROM reviews");
        SnapshotPage reviews = a.store.readSnapshot(new SnapshotRequest("reviews", b.store.snapshotColumns("reviews"),
                "", 100));

        ApplyResult result = b.store.loadSnapshotPage(a.id(), "reviews", reviews);
        assertThat(result.parked()).isEqualTo(live);
        assertThat(b.count("SELECT count(*) FROM reviews")).isZero();
        b.pullFrom(a);
        b.store.retryParked();
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
        assertThat(b.store.parkedCount()).isZero();
    }

    @Test
    void pages_follow_the_key_order_and_end() {
        TestNode a = nodes.create("snappage_a");
        populate(a, 0);
        List<String> columns = a.store.snapshotColumns("users");
        List<Integer> sizes = new ArrayList<>();
        String after = "";
        SnapshotPage page;
        do {
            page = a.store.readSnapshot(new SnapshotRequest("users", columns, after, 6));
            sizes.add(page.rows());
            assertThat(page.feedCursor()).startsWith("v1|" + a.id());
            after = page.lastPk();
        } while (page.hasMore());
        // 20 users in pages of 6; a page that is exactly full may be followed by an empty one.
        assertThat(sizes).containsExactly(6, 6, 6, 2);
        assertThat(after).isEqualTo(a.rows("SELECT jsonb_build_array(id)::text AS k FROM users ORDER BY id DESC LIMIT 1")
                .get(0).get("k"));
    }

    @Test
    void bad_requests_are_refused_with_the_reason() {
        TestNode a = nodes.create("snapbad_a");
        populate(a, 0);
        assertThatThrownBy(() -> a.store.readSnapshot(new SnapshotRequest("users", List.of("id", "password"), "", 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> a.store.readSnapshot(new SnapshotRequest("users", List.of("id"), "{\"not\": 1}", 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("afterPk");
        assertThatThrownBy(() -> a.store.readSnapshot(new SnapshotRequest("users", List.of("id"), "['; drop", 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("afterPk");
        assertThatThrownBy(() -> a.store.readSnapshot(new SnapshotRequest("users", List.of("id"), "[\"no uuid\"]", 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("afterPk");
        assertThatThrownBy(() -> a.store.readSnapshot(new SnapshotRequest("secrets", List.of("id"), "", 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secrets");
        assertThatThrownBy(() -> new SnapshotRequest("users", List.of("id", "id"), "", 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(a.count("SELECT count(*) FROM users")).isEqualTo(20);
    }

    @Test
    void a_page_with_versions_too_far_ahead_parks_them_without_moving_the_clock() {
        TestNode a = nodes.create("snapskew_a", StoreSettings.builder(TestNode.TABLES).clockOffsetMillis(300_000).build(),
                TestNode.SCHEMA);
        TestNode b = nodes.create("snapskew_b");
        populate(a, 0);
        long clockBefore = b.store.currentHlc();

        ApplyResult loaded = b.store.loadSnapshotPage(a.id(), "users", usersPage(a, b));

        // Not the plain COPY: the merge rule parks every row, as it does a feed batch's.
        assertThat(loaded.parked()).isEqualTo(20);
        assertThat(b.count("SELECT count(*) FROM users")).isZero();
        assertThat(b.store.currentHlc() >>> 16).isLessThan(a.count("SELECT min(_hlc) FROM peersync.m_users") >>> 16);
        assertThat(b.store.currentHlc()).isGreaterThanOrEqualTo(clockBefore);
    }

    @Test
    void a_stored_hash_that_does_not_match_its_version_is_not_stored_and_the_page_is_merged() {
        TestNode a = nodes.create("snaphash_a");
        TestNode b = nodes.create("snaphash_b");
        populate(a, 0);
        SnapshotPage page = usersPage(a, b);
        String[] lines = new String(page.copy(), StandardCharsets.UTF_8).split("\n", -1);
        String[] fields = lines[0].split("\t", -1);
        fields[5] = "12345"; // the stored hash of the first line: neither its version's hash nor that hash marked
        lines[0] = String.join("\t", fields);
        SnapshotPage lying = new SnapshotPage(String.join("\n", lines).getBytes(StandardCharsets.UTF_8), page.rows(),
                page.lastPk(), page.hasMore(), page.feedCursor());

        ApplyResult loaded = b.store.loadSnapshotPage(a.id(), "users", lying);

        // The merge rule's path (it counts rows per origin), which hashes each version itself.
        assertThat(loaded.perOrigin()).isNotEmpty();
        assertThat(loaded.applied()).isEqualTo(page.rows());
        assertThat(b.count("SELECT count(*) FROM peersync.m_users WHERE _hash = 12345")).isZero();
        assertThat(b.store.digest("users")).isEqualTo(a.store.digest("users"));
    }

    @Test
    void a_page_that_does_not_hold_what_it_announces_is_refused() {
        TestNode a = nodes.create("snapcount_a");
        TestNode b = nodes.create("snapcount_b");
        populate(a, 0);
        SnapshotPage page = usersPage(a, b);
        SnapshotPage lying = new SnapshotPage(page.copy(), page.rows() + 1, page.lastPk(), false, page.feedCursor());
        assertThatThrownBy(() -> b.store.loadSnapshotPage(a.id(), "users", lying))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("announced");
        SnapshotPage garbage = new SnapshotPage("not\ta\tpage\n".getBytes(StandardCharsets.UTF_8), 1, "", false, page.feedCursor());
        assertThatThrownBy(() -> b.store.loadSnapshotPage(a.id(), "users", garbage))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(b.store.isEmpty()).isTrue();
    }
}
