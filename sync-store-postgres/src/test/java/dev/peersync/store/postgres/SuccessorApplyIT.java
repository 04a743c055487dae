package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.RowChange;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.store.postgres.internal.PgStore;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch whose rows each follow the version held here (written over it on their origin) goes in by plain updates
 * ({@code SuccessorApply}) and leaves the node as the merge rule's path would: same rows, same digests, a feed that
 * relays them. A batch with any row that does not (a concurrent local edit, a local delete, a row new here) is left to
 * the other paths, with nothing of its own kept.
 */
class SuccessorApplyIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    /** Batches taken by the successors' path and batches it tried and left, on {@code node}. */
    private static List<Long> successors(TestNode node) {
        long[] counts = ((PgStore) node.store).successorBatches();
        return List.of(counts[0], counts[1]);
    }

    private static List<Long> newRows(TestNode node) {
        long[] counts = ((PgStore) node.store).newRowsBatches();
        return List.of(counts[0], counts[1]);
    }

    @Test
    void updates_of_rows_held_here_go_in_with_the_digests_and_relay_of_the_merge_rule_path() {
        TestNode a = nodes.create("succ_a");
        TestNode b = nodes.create("succ_b");
        TestNode c = nodes.create("succ_c");
        for (int i = 0; i < 5; i++) {
            ApplyIT.insertReviewChain(a);
        }
        b.pullFrom(a);
        c.pullFrom(a);
        // Two of the columns (column versions for the others), then every column of another table (none).
        a.sql("UPDATE reviews SET rating = 5, title = 'better'");
        a.sql("UPDATE products SET name = 'desk', price = 20, attributes = '{\"w\": 4}', tags = '{office}'");

        int applied = b.pullFrom(a);

        assertThat(successors(b)).as("taken, declined").containsExactly(1L, 0L);
        assertThat(applied).isEqualTo(10);
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
        assertThat(b.count("SELECT count(*) FROM peersync.conflicts")).as("no conflict recorded").isZero();
        assertThat(b.count("SELECT count(*) FROM peersync.m_reviews WHERE _cv IS NOT NULL"))
                .as("the unchanged columns keep their versions").isEqualTo(5);
        // B's feed relays them: C, which holds the earlier versions too, takes them from B the same way.
        c.pullFrom(b);
        assertThat(successors(c)).containsExactly(1L, 0L);
        assertThat(c.content()).isEqualTo(a.content());
        assertThat(c.digests()).isEqualTo(a.digests());
        // Written as its own: a later local update on B is captured over the applied version, and goes back to A the
        // same way.
        b.sql("UPDATE reviews SET body = 'after all'");
        a.pullFrom(b);
        assertThat(successors(a)).containsExactly(1L, 0L);
        assertThat(a.content()).isEqualTo(b.content());
        assertThat(a.digests()).isEqualTo(b.digests());
    }

    @Test
    void a_concurrent_edit_here_leaves_the_batch_to_the_merge_rule_which_keeps_both_columns() {
        TestNode a = nodes.create("edit_a");
        TestNode b = nodes.create("edit_b");
        ApplyIT.insertReviewChain(a);
        ApplyIT.insertReviewChain(a);
        b.pullFrom(a);
        a.sql("UPDATE reviews SET rating = 1");
        b.sql("UPDATE reviews SET title = 'edited on b' WHERE id = (SELECT id FROM reviews ORDER BY id LIMIT 1)");

        ApplyResult result = b.store.applyRows(a.id(), changesSince(a, b));

        assertThat(successors(b)).as("declined before any write").containsExactly(0L, 1L);
        assertThat(result.applied()).isEqualTo(2);
        assertThat(b.rows("SELECT rating, title FROM reviews ORDER BY id").toString())
                .as("both edits of the edited review, A's of the other").contains("rating=1, title=edited on b")
                .contains("rating=1, title=good");
        a.pullFrom(b);
        assertThat(a.content()).isEqualTo(b.content());
        assertThat(a.digests()).isEqualTo(b.digests());
    }

    @Test
    void a_row_deleted_here_or_new_here_is_left_to_the_other_paths() {
        TestNode a = nodes.create("gone_a");
        TestNode b = nodes.create("gone_b");
        TestNode fresh = nodes.create("gone_fresh");
        UUID product = ApplyIT.insertReviewChain(a);
        b.pullFrom(a);
        a.sql("UPDATE products SET name = 'desk'");
        b.sql("DELETE FROM products WHERE id = ?", product);

        b.store.applyRows(a.id(), changesSince(a, b));

        assertThat(successors(b)).as("declined: the row held here is a tombstone").containsExactly(0L, 1L);
        a.pullFrom(b);
        b.pullFrom(a);
        assertThat(a.content()).isEqualTo(b.content());
        assertThat(a.digests()).isEqualTo(b.digests());

        // A node reading A's feed from its start gets the update as a version that replaced another: new there.
        a.sql("UPDATE users SET username = 'renamed', created_at = now()"); // every column: no column versions
        List<RowChange> updated = changesSince(a, fresh).stream().filter(r -> r.table().equals("users")).toList();
        assertThat(updated).singleElement().satisfies(r -> assertThat(r.previous()).isNotNull());
        fresh.store.applyRows(a.id(), updated);
        assertThat(successors(fresh)).containsExactly(0L, 1L);
        assertThat(newRows(fresh)).as("then taken as new rows").containsExactly(1L, 0L);
        assertThat(fresh.rows("SELECT username FROM users").toString()).contains("renamed");
    }

    @Test
    void a_unique_collision_in_the_update_rolls_back_to_the_merge_rule_path_which_parks_it() {
        TestNode a = nodes.create("uniq_a");
        TestNode b = nodes.create("uniq_b");
        ApplyIT.insertReviewChain(a);
        b.pullFrom(a);
        String before = b.rows("SELECT id, username FROM users").toString();
        a.sql("UPDATE users SET username = 'taken'");
        // A new user on B already holds the name: B's table refuses A's update as it stands.
        UUID other = UUID.randomUUID();
        b.sql("INSERT INTO users VALUES (?, 'taken', now())", other);

        ApplyResult result = b.store.applyRows(a.id(), changesSince(a, b).stream()
                .filter(r -> r.table().equals("users")).toList());

        assertThat(successors(b)).as("declined by the update, rolled back").containsExactly(0L, 1L);
        assertThat(result.parked()).as("parked for the operator by the merge rule's path (no policy)").isEqualTo(1);
        assertThat(b.rows("SELECT id, username FROM users WHERE id <> '" + other + "'").toString())
                .as("the update left nothing behind").isEqualTo(before);
        assertThat(b.rows("SELECT reason FROM peersync.parked").toString()).contains("unique_violation");
    }

    @Test
    void an_update_of_a_child_whose_parent_is_deleted_here_fails_on_the_key_and_the_merge_rule_nulls_it_again() {
        String ddl = """
                CREATE TABLE parent (id uuid PRIMARY KEY, name text);
                CREATE TABLE child (id uuid PRIMARY KEY, parent_id uuid REFERENCES parent(id) ON DELETE SET NULL,
                                    note text);
                """;
        dev.peersync.core.store.StoreSettings settings = dev.peersync.core.store.StoreSettings.of(List.of("parent",
                "child"));
        TestNode a = nodes.create("setnull_a", settings, ddl);
        TestNode b = nodes.create("setnull_b", settings, ddl);
        UUID parent = UUID.randomUUID();
        a.sql("INSERT INTO parent VALUES (?, 'p')", parent);
        a.sql("INSERT INTO child VALUES (?, ?, 'first')", UUID.randomUUID(), parent);
        b.pullFrom(a);
        b.sql("DELETE FROM parent"); // the child is nulled here, keeping its version (derived)
        a.sql("UPDATE child SET note = 'second'"); // written over that version, the parent still there

        ApplyResult result = b.store.applyRows(a.id(), changesSince(a, b));

        assertThat(successors(b)).as("declined by the foreign key, rolled back").containsExactly(0L, 1L);
        assertThat(result.applied()).isEqualTo(1);
        assertThat(b.rows("SELECT parent_id, note FROM child").toString()).isEqualTo("[{parent_id=null, note=second}]");
        a.pullFrom(b);
        b.pullFrom(a);
        assertThat(a.rows("SELECT parent_id, note FROM child").toString()).isEqualTo("[{parent_id=null, note=second}]");
        assertThat(a.digests()).isEqualTo(b.digests());
    }

    /** What {@code source} has that {@code reader} has not pulled yet, read from its cursor, in one batch. */
    private static List<RowChange> changesSince(TestNode source, TestNode reader) {
        var batch = source.store.readChanges(reader.id(), new dev.peersync.core.spi.PullRequest(source.store.tables(),
                reader.store.cursor(source.id()), 5000));
        assertThat(batch.hasMore()).isFalse();
        return batch.changes();
    }
}
