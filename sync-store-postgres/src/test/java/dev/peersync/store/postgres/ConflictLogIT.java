package dev.peersync.store.postgres;

import dev.peersync.core.store.ConflictQuery;
import dev.peersync.core.store.ConflictRecord;
import dev.peersync.core.store.StoreSettings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conflict log: real conflicts only, both sides recorded, by type and resolution; queries and retention. */
class ConflictLogIT {
    private static final String ID = "00000000-0000-0000-0000-0000000000cc";

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private TestNode a;
    private TestNode b;

    private void twoNodesWithAProduct() {
        a = nodes.create("cl_a");
        b = nodes.create("cl_b");
        a.sql("INSERT INTO products (id, name, price) VALUES ('" + ID + "', 'lamp', 10.00)");
        b.pullFrom(a);
        TestNode.clockTicks();
    }

    private void exchange() {
        a.pullFrom(b);
        b.pullFrom(a);
        a.pullFrom(b);
    }

    /** Each node receives the other's writes as they were written (crossing in flight), then they sync as usual. */
    private void crossThenExchange() {
        List<RowChange> fromA = a.store.readChanges(b.id(), new PullRequest(a.store.tables(), "", 1000)).changes();
        List<RowChange> fromB = b.store.readChanges(a.id(), new PullRequest(b.store.tables(), "", 1000)).changes();
        a.store.applyRows(b.id(), fromB);
        b.store.applyRows(a.id(), fromA);
        exchange();
    }

    private static List<ConflictRecord> log(TestNode n) {
        return n.store.conflicts(new ConflictQuery(null, null, null, null, 100));
    }

    @Test
    void sequential_edits_on_different_nodes_are_not_conflicts() {
        twoNodesWithAProduct();
        for (int i = 0; i < 3; i++) {
            a.sql("UPDATE products SET price = price + 1 WHERE id = '" + ID + "'");
            b.pullFrom(a);
            TestNode.clockTicks();
            b.sql("UPDATE products SET name = name || '+' WHERE id = '" + ID + "'");
            a.pullFrom(b);
            TestNode.clockTicks();
        }
        exchange(); // the same versions again: not conflicts either
        assertThat(log(a)).isEmpty();
        assertThat(log(b)).isEmpty();
        assertThat(b.content()).isEqualTo(a.content());
    }

    @Test
    void a_node_that_receives_the_other_side_already_merged_logs_nothing_the_resolving_node_logs_it() {
        twoNodesWithAProduct();
        a.sql("UPDATE products SET price = 12.50 WHERE id = '" + ID + "'");
        TestNode.clockTicks();
        b.sql("UPDATE products SET name = 'desk lamp' WHERE id = '" + ID + "'");
        exchange(); // a resolves; b then receives a's merged row, which had seen b's write
        assertThat(log(a)).extracting(ConflictRecord::type).containsExactly("update_update");
        assertThat(log(b)).isEmpty();
        assertThat(b.content()).isEqualTo(a.content());
    }

    @Test
    void concurrent_edits_are_logged_on_each_node_with_both_versions_and_rows() {
        twoNodesWithAProduct();
        a.sql("UPDATE products SET price = 12.50 WHERE id = '" + ID + "'");
        TestNode.clockTicks();
        b.sql("UPDATE products SET name = 'desk lamp' WHERE id = '" + ID + "'");
        crossThenExchange();
        for (TestNode n : List.of(a, b)) {
            assertThat(log(n)).singleElement().satisfies(c -> {
                assertThat(c.table()).isEqualTo("products");
                assertThat(c.pk()).contains(ID);
                assertThat(c.type()).isEqualTo("update_update");
                assertThat(c.resolution()).isEqualTo("merged");
                assertThat(c.local()).isNotNull().isNotEqualTo(c.incoming());
                assertThat(c.localRow()).contains(n == a ? "12.50" : "desk lamp");
                assertThat(c.incomingRow()).contains(n == a ? "desk lamp" : "12.50");
                assertThat(c.peer()).isEqualTo(n == a ? b.id() : a.id());
            });
        }
    }

    @Test
    void update_vs_delete_and_insert_vs_insert_are_typed() {
        twoNodesWithAProduct();
        a.sql("DELETE FROM products WHERE id = '" + ID + "'");
        TestNode.clockTicks();
        b.sql("UPDATE products SET price = 9 WHERE id = '" + ID + "'");
        String other = "00000000-0000-0000-0000-0000000000dd";
        a.sql("INSERT INTO products (id, name) VALUES ('" + other + "', 'first')");
        TestNode.clockTicks();
        b.sql("INSERT INTO products (id, name) VALUES ('" + other + "', 'second')");
        crossThenExchange();
        assertThat(log(a)).extracting(ConflictRecord::type, ConflictRecord::resolution)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("update_delete", "incoming_won"),
                        org.assertj.core.groups.Tuple.tuple("insert_insert", "incoming_won"));
        assertThat(log(b)).extracting(ConflictRecord::type, ConflictRecord::resolution)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("update_delete", "local_kept"),
                        org.assertj.core.groups.Tuple.tuple("insert_insert", "local_kept"));
        assertThat(b.content()).isEqualTo(a.content());
    }

    @Test
    void the_log_filters_pages_newest_first_and_forgets_past_the_retention() {
        a = nodes.create("cl_q_a", StoreSettings.builder(TestNode.TABLES).conflictRetention(Duration.ofDays(1)).build(),
                TestNode.SCHEMA);
        b = nodes.create("cl_q_b");
        for (int i = 0; i < 5; i++) {
            String key = "00000000-0000-0000-0000-00000000010" + i;
            a.sql("INSERT INTO products (id, name) VALUES ('" + key + "', 'a')");
            TestNode.clockTicks();
            b.sql("INSERT INTO products (id, name) VALUES ('" + key + "', 'b')");
        }
        a.pullFrom(b);
        List<ConflictRecord> all = log(a);
        assertThat(all).hasSize(5).extracting(ConflictRecord::id).isSortedAccordingTo((x, y) -> Long.compare(y, x));
        List<ConflictRecord> page1 = a.store.conflicts(new ConflictQuery("products", "insert_insert", null, null, 2));
        List<ConflictRecord> page2 = a.store.conflicts(new ConflictQuery("products", "insert_insert", null,
                page1.get(1).id(), 2));
        assertThat(page1).extracting(ConflictRecord::id).containsExactly(all.get(0).id(), all.get(1).id());
        assertThat(page2).extracting(ConflictRecord::id).containsExactly(all.get(2).id(), all.get(3).id());
        assertThat(a.store.conflicts(new ConflictQuery("users", null, null, null, 10))).isEmpty();
        assertThat(a.store.conflicts(new ConflictQuery(null, "update_delete", null, null, 10))).isEmpty();
        assertThat(a.store.conflicts(new ConflictQuery(null, null, Instant.now().plusSeconds(60), null, 10))).isEmpty();

        a.sql("UPDATE peersync.conflicts SET at = now() - interval '2 days' WHERE id <= ?", all.get(2).id());
        assertThat(a.store.pruneConflicts()).isEqualTo(3);
        assertThat(log(a)).extracting(ConflictRecord::id).containsExactly(all.get(0).id(), all.get(1).id());
    }
}
