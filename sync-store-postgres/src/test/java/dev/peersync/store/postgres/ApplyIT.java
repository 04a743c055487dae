package dev.peersync.store.postgres;

import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.ConflictQuery;
import dev.peersync.core.store.OriginCounts;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.UniqueCollisionPolicy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

class ApplyIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    static List<RowChange> everything(TestNode source) {
        ChangeBatch batch = source.store.readChanges(dev.peersync.core.NodeId.random(),
                new PullRequest(source.store.tables(), "", 5000));
        assertThat(batch.hasMore()).isFalse();
        return batch.changes();
    }

    @Test
    void every_supported_type_survives_feed_and_apply() {
        String ddl = """
                CREATE TABLE typed (id bigint PRIMARY KEY, n numeric, n2 numeric(10,3), t timestamptz, d date, j jsonb,
                                    u uuid, s text, b bytea, ia int[], ta text[], f float8, flag boolean, i interval,
                                    nothing text);
                """;
        StoreSettings settings = StoreSettings.of(List.of("typed"));
        TestNode a = nodes.create("types_a", settings, ddl);
        TestNode b = nodes.create("types_b", settings, ddl);
        a.sql("""
                INSERT INTO typed VALUES
                 (1, 12345678901234567890.123456789, 1.500, '2024-02-29 23:59:59.123456+05:30', '2024-01-01',
                  '{"a": [1, 2.50, null, "x"], "nested": {"k": true}}', gen_random_uuid(), 'quote '' and "dq" and ü',
                  '\\x00ff10'::bytea, '{1,NULL,3}', '{"a b",NULL,""}', 0.1, true, '1 day 02:03:04', NULL),
                 (2, 'NaN', NULL, 'infinity', NULL, 'null', NULL, '', ''::bytea, '{}', '{}', '-Infinity', false, NULL, NULL),
                 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""");
        b.pullFrom(a);
        String rowsA = a.rows("SELECT to_jsonb(x.*)::text AS j FROM typed x ORDER BY id").toString();
        assertThat(b.rows("SELECT to_jsonb(x.*)::text AS j FROM typed x ORDER BY id").toString()).isEqualTo(rowsA);
        // Compare typed values too, not only their JSON text.
        String typedA = a.rows("SELECT id, n::text, n2::text, t::text, b::text, ia::text, ta::text, f::text, i::text"
                + " FROM typed ORDER BY id").toString();
        assertThat(b.rows("SELECT id, n::text, n2::text, t::text, b::text, ia::text, ta::text, f::text, i::text"
                + " FROM typed ORDER BY id").toString()).isEqualTo(typedA);
        assertThat(b.store.digest("typed")).isEqualTo(a.store.digest("typed"));
    }

    @Test
    void an_apply_records_the_buckets_and_hashes_the_database_computes() {
        TestNode a = nodes.create("hash_a");
        TestNode b = nodes.create("hash_b");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 300) g");
        a.sql("INSERT INTO products SELECT gen_random_uuid(), 'p' || g, g FROM generate_series(1, 50) g");
        b.pullFrom(a);
        // Updates list column versions (their hash is the database's), deletes are tombstones.
        a.sql("UPDATE products SET price = price + 1 WHERE price < 20");
        a.sql("DELETE FROM users WHERE username LIKE 'u1%'");
        b.pullFrom(a);
        assertThat(b.digests()).isEqualTo(a.digests());
        // A key sent in a form that is not canonical (an upper-case uuid): stored under its canonical text.
        java.util.UUID id = java.util.UUID.randomUUID();
        RowChange odd = new RowChange("users", "[\"" + id.toString().toUpperCase(java.util.Locale.ROOT) + "\"]",
                a.store.currentHlc(), a.id(), false, "{\"id\": \"" + id + "\", \"username\": \"odd\","
                + " \"created_at\": \"2026-01-01T00:00:00+00:00\"}", false, 0, null, null);
        assertThat(b.store.applyRows(a.id(), List.of(odd)).applied()).isEqualTo(1);

        for (String t : List.of("users", "products")) {
            String wrong = "SELECT count(*) FROM peersync.m_" + t + " m WHERE m._bucket <> peersync.bucket_of("
                    + "jsonb_build_array(m.id)::text, 1024) OR m._hash <> (peersync.row_hash(jsonb_build_array(m.id)::text,"
                    + " m._hlc, m._origin, m._deleted) # peersync.cv_hash(m._cv))";
            assertThat(b.count(wrong)).as("rows of %s whose stored bucket or hash is not the database's", t).isZero();
            assertThat(a.count(wrong)).isZero();
        }
        assertThat(b.count("SELECT count(*) FROM peersync.m_products WHERE _cv IS NOT NULL")).isPositive();
        assertThat(b.count("SELECT count(*) FROM peersync.m_users WHERE _deleted")).isPositive();
        assertThat(b.count("SELECT count(*) FROM users WHERE id = '" + id + "'")).isOne();
    }

    @Test
    void composite_and_text_primary_keys_replicate_including_key_changes() {
        String ddl = """
                CREATE TABLE line_items (order_no bigint, line int, sku text NOT NULL, PRIMARY KEY (order_no, line));
                CREATE TABLE tags (name text PRIMARY KEY, color text);
                """;
        StoreSettings settings = StoreSettings.of(List.of("line_items", "tags"));
        TestNode a = nodes.create("ck_a", settings, ddl);
        TestNode b = nodes.create("ck_b", settings, ddl);
        a.sql("INSERT INTO line_items VALUES (1, 1, 'x'), (1, 2, 'y'), (2, 1, 'z')");
        a.sql("INSERT INTO tags VALUES ('red', '#f00'), ('O''Brien', NULL)");
        b.pullFrom(a);
        a.sql("UPDATE line_items SET line = 3 WHERE order_no = 1 AND line = 2");
        a.sql("DELETE FROM tags WHERE name = 'red'");
        a.sql("UPDATE tags SET color = 'green' WHERE name = 'O''Brien'");
        b.pullFrom(a);
        assertThat(b.rows("SELECT * FROM line_items ORDER BY 1, 2")).isEqualTo(a.rows("SELECT * FROM line_items ORDER BY 1, 2"))
                .hasSize(3);
        assertThat(b.rows("SELECT * FROM tags ORDER BY 1")).isEqualTo(a.rows("SELECT * FROM tags ORDER BY 1")).hasSize(1);
        assertThat(b.count("SELECT count(*) FROM peersync.m_line_items WHERE _deleted")).isEqualTo(1);
        assertThat(b.store.digest("line_items")).isEqualTo(a.store.digest("line_items"));
        assertThat(b.store.digest("tags")).isEqualTo(a.store.digest("tags"));
    }

    @Test
    void concurrent_updates_converge_on_the_higher_version_both_ways() {
        TestNode a = nodes.create("lww_a");
        TestNode b = nodes.create("lww_b");
        UUID u = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'first', now())", u);
        b.pullFrom(a);
        a.sql("UPDATE users SET username = 'from_a' WHERE id = ?", u);
        TestNode.clockTicks();
        b.sql("UPDATE users SET username = 'from_b' WHERE id = ?", u); // later: the higher version
        List<RowChange> fromA = everything(a);
        List<RowChange> fromB = everything(b);
        ApplyResult atA = a.store.applyRows(b.id(), fromB);
        ApplyResult atB = b.store.applyRows(a.id(), fromA);
        assertThat(a.content()).isEqualTo(b.content()).contains("from_b");
        assertThat(a.digests()).isEqualTo(b.digests());
        assertThat(atA.applied()).isEqualTo(1);
        assertThat(atB.skipped()).isEqualTo(1);
        assertThat(atA.events()).singleElement().isInstanceOf(SyncEvent.ConflictResolved.class);
        assertThat(atB.events()).singleElement().isInstanceOfSatisfying(SyncEvent.ConflictResolved.class,
                e -> assertThat(e.winner().node()).isEqualTo(b.id()));
    }

    @Test
    void a_later_delete_beats_an_earlier_update_and_a_later_update_beats_an_earlier_delete() {
        TestNode a = nodes.create("tomb_a");
        TestNode b = nodes.create("tomb_b");
        UUID u1 = UUID.randomUUID();
        UUID u2 = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'one', now()), (?, 'two', now())", u1, u2);
        b.pullFrom(a);
        a.sql("UPDATE users SET username = 'one_a' WHERE id = ?", u1);
        TestNode.clockTicks();
        b.sql("DELETE FROM users WHERE id = ?", u1);           // later: delete wins for u1
        b.sql("DELETE FROM users WHERE id = ?", u2);
        TestNode.clockTicks();
        a.sql("UPDATE users SET username = 'two_a' WHERE id = ?", u2); // later: update wins for u2
        a.pullFrom(b);
        b.pullFrom(a);
        assertThat(a.content()).isEqualTo(b.content()).doesNotContain("one").contains("two_a");
        assertThat(a.digests()).isEqualTo(b.digests());
    }

    @Test
    void applied_rows_keep_their_origin_version_and_relay_without_loops() {
        TestNode a = nodes.create("relay_a");
        TestNode b = nodes.create("relay_b");
        TestNode c = nodes.create("relay_c");
        a.sql("INSERT INTO users VALUES (?, 'ann', now())", UUID.randomUUID());
        b.pullFrom(a);
        c.pullFrom(b);
        assertThat(c.content()).isEqualTo(a.content());
        assertThat(everything(c)).singleElement().satisfies(r -> assertThat(r.origin()).isEqualTo(a.id()));
        assertThat(a.pullFrom(c)).isZero();
        assertThat(b.pullFrom(c)).isZero();
        assertThat(c.digests()).isEqualTo(a.digests()).isEqualTo(b.digests());
    }

    @Test
    void a_relaying_node_leaves_out_what_the_requester_holds_from_the_origin_and_the_apply_drops_what_arrived_meanwhile() {
        TestNode a = nodes.create("held_a");
        TestNode b = nodes.create("held_b");
        TestNode c = nodes.create("held_c");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'first' || g, now() FROM generate_series(1, 5) g");
        b.pullFrom(a);
        c.pullFrom(a);
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'second' || g, now() FROM generate_series(1, 2) g");
        b.pullFrom(a);
        String heldOnA = c.store.cursor(a.id());

        ChangeBatch withHeld = b.store.readChanges(c.id(), new PullRequest(b.store.tables(), "", 1000, List.of(heldOnA)));
        assertThat(withHeld.changes()).extracting(r -> r.data().contains("second")).containsOnly(true).hasSize(2);
        assertThat(withHeld.changes()).allSatisfy(r -> {
            assertThat(r.origin()).isEqualTo(a.id());
            assertThat(r.originTx()).isPositive();
        });

        // Asked without held cursors, b sends all seven; the apply drops the five c holds from a, before any write.
        ChangeBatch all = b.store.readChanges(c.id(), new PullRequest(b.store.tables(), "", 1000));
        assertThat(all.changes()).hasSize(7);
        ApplyResult result = c.store.applyBatch(b.id(), all.changes(), all.nextCursor());
        assertThat(result.applied()).isEqualTo(2);
        assertThat(result.skipped()).isEqualTo(5);
        assertThat(result.perOrigin()).containsExactly(Map.entry(a.id(), new OriginCounts(7, 2, 5, 0)));
        assertThat(c.content()).isEqualTo(a.content());
        // Once c holds everything of a, b relays nothing of a to it.
        c.pullFrom(a);
        assertThat(b.store.readChanges(c.id(), new PullRequest(b.store.tables(), "", 1000,
                List.of(c.store.cursor(a.id())))).changes()).isEmpty();
    }

    @Test
    void the_local_clock_moves_past_applied_versions() {
        TestNode a = nodes.create("clock_a", StoreSettings.builder(TestNode.TABLES).clockOffsetMillis(30_000).build(), TestNode.SCHEMA);
        TestNode b = nodes.create("clock_b");
        a.sql("INSERT INTO users VALUES (?, 'ahead', now())", UUID.randomUUID());
        b.pullFrom(a);
        long received = everything(a).get(0).hlc();
        b.sql("INSERT INTO users VALUES (?, 'after', now())", UUID.randomUUID());
        long local = b.count("SELECT _hlc FROM peersync.m_users WHERE _origin = (SELECT node_id FROM peersync.node)");
        assertThat(local).isGreaterThan(received);
        assertThat(b.store.currentHlc()).isGreaterThan(received);
    }

    @Test
    void a_child_before_its_parent_in_one_batch_is_applied_in_foreign_key_order() {
        TestNode a = nodes.create("fk_a");
        TestNode b = nodes.create("fk_b");
        insertReviewChain(a);
        List<RowChange> rows = new ArrayList<>(everything(a));
        rows.sort(Comparator.comparing(RowChange::table).reversed()); // users, reviews, products
        rows.sort(Comparator.comparing(r -> r.table().equals("reviews") ? 0 : 1)); // reviews first
        ApplyResult result = b.store.applyRows(a.id(), rows);
        assertThat(result.applied()).isEqualTo(3);
        assertThat(result.parked()).isZero();
        assertThat(b.content()).isEqualTo(a.content());
    }

    @Test
    void a_peer_cannot_park_more_than_the_cap_of_one_table_the_oldest_are_dropped_and_reported() {
        TestNode b = nodes.create("park_cap_b", StoreSettings.builder(TestNode.TABLES).maxParkedPerPeerTable(3).build(),
                TestNode.SCHEMA);
        dev.peersync.core.NodeId flooder = dev.peersync.core.NodeId.random();
        dev.peersync.core.NodeId other = dev.peersync.core.NodeId.random();
        long hlc = System.currentTimeMillis() << 16;
        List<String> keys = new ArrayList<>();
        List<SyncEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // reviews of a product that never comes: parked, one batch each
            String id = UUID.randomUUID().toString();
            keys.add(id);
            RowChange orphan = new RowChange("reviews", "[\"" + id + "\"]", hlc + i, flooder, false, "{\"id\": \"" + id
                    + "\", \"product_id\": \"" + UUID.randomUUID() + "\", \"user_id\": \"" + UUID.randomUUID()
                    + "\", \"rating\": 3}");
            events.addAll(b.store.applyRows(flooder, List.of(orphan)).events());
        }
        String otherId = UUID.randomUUID().toString();
        b.store.applyRows(other, List.of(new RowChange("reviews", "[\"" + otherId + "\"]", hlc, other, false,
                "{\"id\": \"" + otherId + "\", \"product_id\": \"" + UUID.randomUUID() + "\", \"user_id\": \""
                        + UUID.randomUUID() + "\", \"rating\": 3}")));

        assertThat(b.store.parkedCount()).as("3 of the flooder's, 1 of the other peer's").isEqualTo(4);
        assertThat(events).filteredOn(e -> e instanceof SyncEvent.ParkedRowExpired)
                .extracting(e -> ((SyncEvent.ParkedRowExpired) e).pk())
                .containsExactly("[\"" + keys.get(0) + "\"]", "[\"" + keys.get(1) + "\"]");
        assertThat(b.rows("SELECT pk FROM peersync.parked ORDER BY hlc, pk").toString())
                .contains(keys.get(2)).contains(keys.get(3)).contains(keys.get(4)).contains(otherId)
                .doesNotContain(keys.get(0)).doesNotContain(keys.get(1));
    }

    @Test
    void a_child_arriving_before_its_parent_is_parked_then_applied_on_retry() {
        TestNode a = nodes.create("park_a");
        TestNode b = nodes.create("park_b");
        insertReviewChain(a);
        List<RowChange> rows = everything(a);
        List<RowChange> reviews = rows.stream().filter(r -> r.table().equals("reviews")).toList();
        List<RowChange> parents = rows.stream().filter(r -> !r.table().equals("reviews")).toList();

        ApplyResult first = b.store.applyRows(a.id(), reviews);
        assertThat(first.parked()).isEqualTo(1);
        assertThat(first.events()).singleElement().isInstanceOfSatisfying(SyncEvent.RowParked.class,
                e -> assertThat(e.reason()).startsWith("foreign_key_violation"));
        assertThat(b.store.parkedCount()).isEqualTo(1);
        assertThat(b.store.retryParked().parked()).isEqualTo(1); // parent still missing: stays parked

        b.store.applyRows(a.id(), parents);
        ApplyResult retry = b.store.retryParked();
        assertThat(retry.applied()).isEqualTo(1);
        assertThat(retry.events()).anySatisfy(e -> assertThat(e).isInstanceOf(SyncEvent.RowUnparked.class));
        assertThat(b.store.parkedCount()).isZero();
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    @Test
    void deleting_a_parent_wins_over_a_concurrent_child_insert_on_every_node() {
        TestNode a = nodes.create("cascade_a");
        TestNode b = nodes.create("cascade_b");
        UUID product = insertReviewChain(a);
        b.pullFrom(a);
        UUID user = UUID.fromString((String) a.rows("SELECT id::text AS id FROM users").get(0).get("id"));
        a.sql("DELETE FROM products WHERE id = ?", product);
        b.sql("INSERT INTO reviews (id, product_id, user_id, rating) VALUES (?, ?, ?, 5)", UUID.randomUUID(), product, user);
        for (int round = 0; round < 3; round++) {
            b.pullFrom(a);
            a.pullFrom(b);
            a.store.retryParked();
            b.store.retryParked();
        }
        assertThat(a.count("SELECT count(*) FROM reviews")).isZero();
        assertThat(a.content()).isEqualTo(b.content());
        assertThat(a.digests()).isEqualTo(b.digests());
        assertThat(a.store.parkedCount() + b.store.parkedCount()).isZero();
    }

    @Test
    void the_same_username_on_two_nodes_keeps_both_accounts_with_the_later_one_renamed_alike_everywhere() {
        String ddl = TestNode.SCHEMA.replace("created_at timestamptz NOT NULL);",
                "created_at timestamptz NOT NULL, renamed boolean NOT NULL DEFAULT false);");
        StoreSettings settings = StoreSettings.builder(TestNode.TABLES)
                .uniquePolicy(UniqueCollisionPolicy.rename("users", "users_username_key", "renamed")).build();
        TestNode a = nodes.create("uniq_a", settings, ddl);
        TestNode b = nodes.create("uniq_b", settings, ddl);
        UUID early = UUID.randomUUID();
        UUID late = UUID.randomUUID();
        UUID product = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'sam', now())", early);
        TestNode.clockTicks();
        b.sql("INSERT INTO users VALUES (?, 'sam', now())", late);
        b.sql("INSERT INTO products VALUES (?, 'from b', 2, NULL, NULL)", product);
        b.sql("INSERT INTO reviews (id, product_id, user_id, rating) VALUES (gen_random_uuid(), ?, ?, 5)", product, late);

        ApplyResult atA = applyAllFrom(b, a); // a keeps 'sam' for its earlier account and renames b's
        assertThat(atA.parked()).isZero();
        assertThat(atA.appliedPerTable()).containsEntry("users", 1).containsEntry("reviews", 1);
        assertThat(atA.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(SyncEvent.ConflictResolved.class,
                c -> assertThat(c.pk()).contains(late.toString())));
        // Meanwhile the later account's owner edits another column on b: the rename must not undo it.
        TestNode.clockTicks();
        b.sql("UPDATE users SET created_at = '2020-01-01 00:00:00+00' WHERE id = ?", late);
        for (int round = 0; round < 2; round++) {
            b.pullFrom(a);
            a.pullFrom(b);
        }
        String twin = a.rows("SELECT 'twin-' || substr(md5(jsonb_build_array('" + late + "'::uuid)::text || ':username'),"
                + " 1, 6) || '-sam' AS t").get(0).get("t").toString();
        for (TestNode n : List.of(a, b)) {
            assertThat(n.rows("SELECT id, username, renamed, created_at = '2020-01-01 00:00:00+00' AS edited FROM users"
                            + " ORDER BY username").toString())
                    .isEqualTo("[{id=" + early + ", username=sam, renamed=false, edited=false}, {id=" + late + ", username="
                            + twin + ", renamed=true, edited=true}]");
            assertThat(n.count("SELECT count(*) FROM reviews WHERE user_id = '" + late + "'")).as("nothing cascaded")
                    .isEqualTo(1);
            assertThat(n.count("SELECT count(*) FROM peersync.m_users WHERE _deleted")).isZero();
            assertThat(n.store.parkedCount()).isZero();
        }
        assertThat(a.content()).isEqualTo(b.content());
        assertThat(a.digests()).isEqualTo(b.digests());
    }

    @Test
    void a_rename_settling_a_unique_collision_does_not_undo_a_delete_it_had_not_seen() {
        String ddl = TestNode.SCHEMA.replace("created_at timestamptz NOT NULL);",
                "created_at timestamptz NOT NULL, renamed boolean NOT NULL DEFAULT false);");
        StoreSettings settings = StoreSettings.builder(TestNode.TABLES)
                .uniquePolicy(UniqueCollisionPolicy.rename("users", "users_username_key", "renamed")).build();
        TestNode a = nodes.create("unidel_a", settings, ddl);
        TestNode b = nodes.create("unidel_b", settings, ddl);
        TestNode c = nodes.create("unidel_c", settings, ddl);
        UUID early = UUID.randomUUID();
        UUID late = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'sam', now())", early);
        TestNode.clockTicks();
        c.sql("INSERT INTO users VALUES (?, 'sam', now())", late);
        b.pullFrom(c);
        b.sql("DELETE FROM users WHERE id = ?", late); // b never saw the collision: an ordinary, acknowledged delete
        a.pullFrom(c); // a renames the incoming later account
        c.pullFrom(a); // c renames its own later account
        for (TestNode n : List.of(a, c)) {
            assertThat(n.rows("SELECT username FROM users WHERE id = '" + late + "'").toString())
                    .as("renamed before the delete arrives").startsWith("[{username=twin-");
        }
        assertThat(a.digests()).as("both renames carry the same version").isEqualTo(c.digests());
        for (int round = 0; round < 3; round++) {
            for (TestNode to : List.of(a, b, c)) {
                for (TestNode from : List.of(a, b, c)) {
                    if (to != from) {
                        to.pullFrom(from);
                    }
                }
            }
        }
        for (TestNode n : List.of(a, b, c)) {
            assertThat(n.count("SELECT count(*) FROM users WHERE id = '" + late + "'")).as("the deleted account on %s",
                    n.db.name()).isZero();
            assertThat(n.rows("SELECT username, renamed FROM users").toString()).isEqualTo("[{username=sam, renamed=false}]");
        }
        assertThat(a.content()).isEqualTo(b.content()).isEqualTo(c.content());
        assertThat(a.digests()).isEqualTo(b.digests()).isEqualTo(c.digests());
    }

    @Test
    void without_a_policy_a_unique_collision_parks_the_row_for_the_operator_and_deletes_nothing() {
        TestNode a = nodes.create("uniq_park_a");
        TestNode b = nodes.create("uniq_park_b");
        UUID early = UUID.randomUUID();
        UUID late = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'sam', now())", early);
        TestNode.clockTicks();
        b.sql("INSERT INTO users VALUES (?, 'sam', now())", late);
        a.sql("INSERT INTO products VALUES (?, 'from a', 1, NULL, NULL)", UUID.randomUUID());

        ApplyResult atA = applyAllFrom(b, a);
        assertThat(atA.parked()).isEqualTo(1);
        b.pullFrom(a);
        assertThat(b.count("SELECT count(*) FROM products")).as("the batch went on").isEqualTo(1);
        assertThat(a.rows("SELECT id FROM users").toString()).contains(early.toString());
        assertThat(b.rows("SELECT id FROM users").toString()).contains(late.toString());
        assertThat(b.rows("SELECT reason FROM peersync.parked").toString())
                .contains("unique_violation on users_username_key").contains("parked for the operator");
        for (TestNode n : List.of(a, b)) {
            assertThat(n.count("SELECT count(*) FROM peersync.m_users WHERE _deleted")).isZero();
            assertThat(n.store.parkedCount()).isEqualTo(1);
        }
    }

    @Test
    void versions_too_far_ahead_are_parked_without_moving_the_clock_and_applied_once_the_clock_catches_up() {
        TestNode a = nodes.create("skew_a", StoreSettings.builder(TestNode.TABLES).clockOffsetMillis(300_000).build(), TestNode.SCHEMA);
        TestNode b = nodes.create("skew_b");
        a.sql("INSERT INTO users VALUES (?, 'future', now())", UUID.randomUUID());
        long clockBefore = b.store.currentHlc();
        List<RowChange> rows = everything(a);
        ApplyResult result = b.store.applyRows(a.id(), rows);
        assertThat(result.parked()).isEqualTo(1);
        // The parked row is in b's conflict log as clock_skew, with a's version and row.
        String key = rows.get(0).pk();
        assertThat(b.store.conflicts(new ConflictQuery("users", "clock_skew", null, null, 10))).singleElement()
                .satisfies(c -> {
                    assertThat(c.table()).isEqualTo("users");
                    assertThat(c.pk()).isEqualTo(key);
                    assertThat(c.resolution()).isEqualTo("parked");
                    assertThat(c.peer()).isEqualTo(a.id());
                    assertThat(c.incoming().hlc()).isEqualTo(rows.get(0).hlc());
                    assertThat(c.incomingRow()).contains("future");
                    assertThat(c.detail()).startsWith("clock_skew");
                });
        assertThat(result.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(SyncEvent.ClockSkewDetected.class,
                s -> assertThat(s.aheadMillis()).isGreaterThan(200_000)));
        assertThat(b.store.currentHlc() >>> 16).isLessThan(rows.get(0).hlc() >>> 16);
        assertThat(b.store.currentHlc()).isGreaterThanOrEqualTo(clockBefore);
        assertThat(b.store.retryParked().parked()).isEqualTo(1);

        b.sql("UPDATE peersync.config SET clock_offset_ms = 300000"); // time passes: our clock catches up
        assertThat(b.store.retryParked().applied()).isEqualTo(1);
        assertThat(b.content()).isEqualTo(a.content());
    }

    @Test
    void the_same_batch_applied_twice_changes_nothing_the_second_time() {
        TestNode a = nodes.create("idem_a");
        TestNode b = nodes.create("idem_b");
        insertReviewChain(a);
        List<RowChange> rows = everything(a);
        assertThat(b.store.applyRows(a.id(), rows).applied()).isEqualTo(3);
        String digests = b.digests();
        ApplyResult again = b.store.applyRows(a.id(), rows);
        assertThat(again.applied()).isZero();
        assertThat(again.skipped()).isEqualTo(3);
        assertThat(b.digests()).isEqualTo(digests);
    }

    @Test
    void a_local_write_committed_while_an_apply_waits_is_not_overwritten() throws Exception {
        TestNode a = nodes.create("race_a");
        TestNode b = nodes.create("race_b");
        UUID u = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'first', now())", u);
        b.pullFrom(a);
        a.sql("UPDATE users SET username = 'from_a' WHERE id = ?", u);
        List<RowChange> fromA = everything(a);
        TestNode.clockTicks();
        try (Connection local = b.dataSource.getConnection()) {
            local.setAutoCommit(false);
            try (PreparedStatement ps = local.prepareStatement("UPDATE users SET username = 'from_b' WHERE id = ?")) {
                ps.setObject(1, u);
                ps.executeUpdate(); // later version, not committed yet: holds the row
            }
            CompletableFuture<ApplyResult> apply = CompletableFuture.supplyAsync(() -> b.store.applyRows(a.id(), fromA));
            b.awaitLockWaiter();
            local.commit();
            ApplyResult result = apply.get(30, TimeUnit.SECONDS);
            assertThat(result.applied()).isZero();
            assertThat(result.skipped()).isEqualTo(1);
        }
        assertThat(b.content()).contains("from_b").doesNotContain("from_a");
        assertThat(b.count("SELECT count(*) FROM peersync.m_users m JOIN peersync.node n ON m._origin = n.node_id"))
                .isEqualTo(1);
        a.pullFrom(b);
        assertThat(a.content()).isEqualTo(b.content());
        assertThat(a.digests()).isEqualTo(b.digests());
    }

    /** Applies everything {@code source} has to {@code target} in one batch and returns what happened. */
    private static ApplyResult applyAllFrom(TestNode source, TestNode target) {
        return target.store.applyRows(source.id(), everything(source));
    }

    /** A user, a product and a review of it; returns the product id. */
    static UUID insertReviewChain(TestNode n) {
        UUID user = UUID.randomUUID();
        UUID product = UUID.randomUUID();
        n.sql("INSERT INTO users VALUES (?, ?, now())", user, "user_" + user);
        n.sql("INSERT INTO products VALUES (?, 'lamp', 9.99, '{\"w\": 3}', '{home}')", product);
        n.sql("INSERT INTO reviews (id, product_id, user_id, rating, title, body, photo)"
                + " VALUES (?, ?, ?, 4, 'good', 'a fine lamp', '\\xdeadbeef')", UUID.randomUUID(), product, user);
        return product;
    }
}
