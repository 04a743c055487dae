package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nodes whose synced tables differ by a column (a rolling migration under way) keep syncing and lose no value. */
class ColumnDriftIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    static final String WITH_SKU = TestNode.SCHEMA.replace("attributes jsonb, tags text[]);",
            "attributes jsonb, tags text[], sku text NOT NULL DEFAULT 'none');");

    @Test
    void rows_from_a_node_without_the_column_keep_the_value_held_here_or_the_default() {
        StoreSettings settings = StoreSettings.of(TestNode.TABLES);
        TestNode a = nodes.create("drift_a", settings, WITH_SKU);
        TestNode b = nodes.create("drift_b", settings, TestNode.SCHEMA);
        TestNode c = nodes.create("drift_c", settings, WITH_SKU);
        UUID p = UUID.randomUUID();
        b.sql("INSERT INTO products (id, name, price) VALUES (?, 'one', 1)", p);
        a.pullFrom(b);
        assertThat(a.rows("SELECT sku FROM products").toString()).as("a new key takes the default")
                .isEqualTo("[{sku=none}]");
        assertThat(a.store.parkedCount()).isZero();
        TestNode.clockTicks();
        a.sql("UPDATE products SET sku = 'SKU-1' WHERE id = ?", p);
        TestNode.clockTicks();
        b.sql("UPDATE products SET price = 2 WHERE id = ?", p); // later, from a node that has no sku
        a.pullFrom(b);
        assertThat(a.rows("SELECT price::text, sku FROM products").toString()).as("b's later write did not write sku")
                .isEqualTo("[{price=2.00, sku=SKU-1}]");
        c.pullFrom(b); // c meets b's row first: it has no sku value for c to take
        assertThat(c.rows("SELECT price::text, sku FROM products").toString()).isEqualTo("[{price=2.00, sku=none}]");
        c.pullFrom(a);
        assertThat(c.rows("SELECT price::text, sku FROM products").toString()).as("a's sku reaches c")
                .isEqualTo("[{price=2.00, sku=SKU-1}]");
        a.pullFrom(c);
        assertThat(c.content()).isEqualTo(a.content());
        assertThat(c.digests()).isEqualTo(a.digests());
        b.pullFrom(a);
        b.pullFrom(c);
        assertThat(b.rows("SELECT price::text FROM products").toString()).isEqualTo("[{price=2.00}]");
        for (TestNode n : List.of(a, b, c)) {
            assertThat(n.store.parkedCount()).as("parked on %s", n.db.name()).isZero();
        }
    }

    @Test
    void a_node_between_its_alter_and_the_registration_does_not_send_the_new_column_as_written() {
        // Found by LiveAddColumnIT under load: node 2 ran its ALTER, and before it registered the column, node 1's
        // anti-entropy fetched the row from it with "sku": null at node 2's row version, over node 1's own sku.
        StoreSettings settings = StoreSettings.of(TestNode.TABLES);
        TestNode a = nodes.create("window_a", settings, WITH_SKU);
        TestNode b = nodes.create("window_b", settings, TestNode.SCHEMA);
        UUID p = UUID.randomUUID();
        b.sql("INSERT INTO products (id, name, price) VALUES (?, 'one', 1)", p);
        a.pullFrom(b);
        TestNode.clockTicks();
        a.sql("UPDATE products SET sku = 'SKU-A' WHERE id = ?", p);
        b.pullFrom(a); // b holds a's sku value
        TestNode.clockTicks();
        b.sql("UPDATE products SET price = 2 WHERE id = ?", p); // later, from a node without sku
        a.pullFrom(b);
        assertThat(a.rows("SELECT price::text, sku FROM products").toString()).isEqualTo("[{price=2.00, sku=SKU-A}]");

        b.sql("ALTER TABLE products ADD COLUMN sku text NOT NULL DEFAULT 'none'"); // not registered yet: no refresh

        for (RowChange row : b.store.fetchRows("products", List.of("[\"" + p + "\"]"))) {
            assertThat(row.data()).as("fetched in the window").doesNotContain("sku");
        }
        assertThat(b.store.readChanges(NodeId.random(), new PullRequest(List.of("products"), "", 100)).changes())
                .allSatisfy(row -> {
                    // The value b holds for a, relayed with its own version, and never the new column's null.
                    assertThat(row.data()).as("read from the feed in the window").doesNotContain("\"sku\": null");
                    assertThat(row.columns()).contains("sku");
                });
        a.store.applyRows(b.id(), b.store.fetchRows("products", List.of("[\"" + p + "\"]")));
        assertThat(a.rows("SELECT price::text, sku FROM products").toString()).as("a keeps its sku")
                .isEqualTo("[{price=2.00, sku=SKU-A}]");
    }

    @Test
    void a_column_added_while_running_is_captured_and_never_written_versions_do_not_beat_real_writes() {
        StoreSettings settings = StoreSettings.of(TestNode.TABLES);
        TestNode a = nodes.create("live_a", settings, TestNode.SCHEMA);
        TestNode b = nodes.create("live_b", settings, TestNode.SCHEMA);
        TestNode c = nodes.create("live_c", settings, TestNode.SCHEMA);
        UUID p1 = UUID.randomUUID();
        UUID p2 = UUID.randomUUID();
        UUID p3 = UUID.randomUUID();
        a.sql("INSERT INTO products (id, name, price) VALUES (?, 'one', 1), (?, 'two', 2), (?, 'three', 3)", p1, p2, p3);
        b.pullFrom(a);
        c.pullFrom(a);
        a.sql("ALTER TABLE products ADD COLUMN sku text NOT NULL DEFAULT 'none'");
        // Before a notices the column: its capture function does not know it.
        a.sql("UPDATE products SET price = 10 WHERE id = ?", p1);
        a.sql("UPDATE products SET sku = 'SKU-2' WHERE id = ?", p2);
        a.sql("INSERT INTO products (id, name, price, sku) VALUES (gen_random_uuid(), 'four', 4, 'SKU-4')");
        assertThat(a.store.refreshSchema()).isTrue();
        assertThat(a.store.refreshSchema()).as("nothing changed since").isFalse();
        a.sql("UPDATE products SET sku = 'SKU-3' WHERE id = ?", p3); // after: captured as a known column
        TestNode.clockTicks();
        // Later than a's sku write, before c has the column: that version did not write sku, whatever c adds next.
        c.sql("UPDATE products SET price = 30 WHERE id = ?", p3);
        c.sql("ALTER TABLE products ADD COLUMN sku text NOT NULL DEFAULT 'none'");
        assertThat(c.store.refreshSchema()).isTrue();
        c.sql("UPDATE products SET price = 20 WHERE id = ?", p2); // later than a's sku write, which c has not seen
        for (int round = 0; round < 2; round++) {
            for (TestNode to : List.of(a, b, c)) {
                for (TestNode from : List.of(a, b, c)) {
                    if (to != from) {
                        to.pullFrom(from);
                    }
                }
            }
        }
        String expected = "[{name=four, price=4.00, sku=SKU-4}, {name=one, price=10.00, sku=none},"
                + " {name=three, price=30.00, sku=SKU-3}, {name=two, price=20.00, sku=SKU-2}]";
        for (TestNode n : List.of(a, c)) {
            assertThat(n.rows("SELECT name, price::text, sku FROM products ORDER BY name").toString())
                    .as("on %s", n.db.name()).isEqualTo(expected);
        }
        assertThat(b.rows("SELECT name, price::text FROM products ORDER BY name").toString())
                .isEqualTo("[{name=four, price=4.00}, {name=one, price=10.00}, {name=three, price=30.00},"
                        + " {name=two, price=20.00}]");
        assertThat(c.content()).isEqualTo(a.content());
        assertThat(c.digests()).isEqualTo(a.digests());
        for (TestNode n : List.of(a, b, c)) {
            assertThat(n.store.parkedCount()).as("parked on %s", n.db.name()).isZero();
        }
    }

    @Test
    void values_of_a_column_the_node_lacks_are_kept_relayed_and_written_when_it_gains_the_column() {
        StoreSettings settings = StoreSettings.of(TestNode.TABLES);
        TestNode a = nodes.create("held_a", settings, WITH_SKU);
        TestNode b = nodes.create("held_b", settings, TestNode.SCHEMA);
        TestNode c = nodes.create("held_c", settings, WITH_SKU);
        UUID p = UUID.randomUUID();
        a.sql("INSERT INTO products (id, name, price, sku) VALUES (?, 'one', 1, 'SKU-1')", p);
        b.pullFrom(a);
        c.pullFrom(b); // a and c never talk: the value comes by relay through b, which has no sku column
        assertThat(c.rows("SELECT sku FROM products").toString()).isEqualTo("[{sku=SKU-1}]");
        TestNode.clockTicks();
        b.sql("UPDATE products SET price = 2 WHERE id = ?", p);
        c.pullFrom(b);
        assertThat(c.rows("SELECT price::text, sku FROM products").toString()).as("b's later write kept a's value")
                .isEqualTo("[{price=2.00, sku=SKU-1}]");
        assertThat(c.digests()).isNotEqualTo(a.digests()); // a has not seen b's price yet
        a.pullFrom(b);
        assertThat(c.content()).isEqualTo(a.content());
        assertThat(c.digests()).isEqualTo(a.digests());
        b.sql("ALTER TABLE products ADD COLUMN sku text NOT NULL DEFAULT 'none'");
        assertThat(b.store.refreshSchema()).isTrue();
        assertThat(b.rows("SELECT price::text, sku FROM products").toString()).as("the held value, written at once")
                .isEqualTo("[{price=2.00, sku=SKU-1}]");
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
        assertThat(b.count("SELECT count(*) FROM peersync.held_values")).isZero();
    }

    @Test
    void a_column_dropped_on_one_node_loses_nothing_on_the_nodes_that_keep_it() {
        StoreSettings settings = StoreSettings.of(TestNode.TABLES);
        TestNode a = nodes.create("drop_a", settings, WITH_SKU);
        TestNode b = nodes.create("drop_b", settings, WITH_SKU);
        UUID p = UUID.randomUUID();
        a.sql("INSERT INTO products (id, name, price, sku) VALUES (?, 'one', 1, 'SKU-1')", p);
        b.pullFrom(a);
        a.sql("ALTER TABLE products DROP COLUMN sku");
        assertThat(a.store.refreshSchema()).isTrue();
        TestNode.clockTicks();
        a.sql("UPDATE products SET price = 2 WHERE id = ?", p); // captured without the column
        TestNode.clockTicks();
        b.sql("UPDATE products SET sku = 'SKU-2' WHERE id = ?", p);
        b.pullFrom(a);
        a.pullFrom(b);
        assertThat(b.rows("SELECT price::text, sku FROM products").toString()).as("a's write did not drop b's sku")
                .isEqualTo("[{price=2.00, sku=SKU-2}]");
        assertThat(a.rows("SELECT price::text FROM products").toString()).isEqualTo("[{price=2.00}]");
        assertThat(a.rows("SELECT col, value::text FROM peersync.held_values").toString())
                .as("a holds the value of the column it dropped").isEqualTo("[{col=sku, value=\"SKU-2\"}]");
        assertThat(a.store.parkedCount() + b.store.parkedCount()).isZero();
    }
}
