package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Column-level merge through the real feed and apply: two nodes edit one row while they do not sync, then pull from
 * each other in both orders. The rules of {@link dev.peersync.core.MergeRule} for each pair of writes.
 */
class ColumnMergeIT {
    private static final String ID = "00000000-0000-0000-0000-0000000000aa";

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private TestNode a;
    private TestNode b;

    /** Two nodes holding one product written on a. */
    private void twoNodesWithAProduct() {
        a = nodes.create("cm_a");
        b = nodes.create("cm_b");
        a.sql("INSERT INTO products (id, name, price, tags) VALUES ('" + ID + "', 'lamp', 10.00, '{a}')");
        b.pullFrom(a);
        TestNode.clockTicks();
    }

    private void syncBothWays() {
        a.pullFrom(b);
        b.pullFrom(a);
        a.pullFrom(b);
    }

    private String product(TestNode n) {
        return n.rows("SELECT name, price::text, tags::text FROM products WHERE id = '" + ID + "'").toString();
    }

    private void assertConverged() {
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    @Test
    void concurrent_updates_of_different_columns_both_survive_on_every_node() {
        twoNodesWithAProduct();
        a.sql("UPDATE products SET price = 12.50 WHERE id = '" + ID + "'");
        TestNode.clockTicks();
        b.sql("UPDATE products SET name = 'desk lamp' WHERE id = '" + ID + "'");
        assertThat(a.count("SELECT count(*) FROM peersync.m_products WHERE _cv -> 'name' IS NOT NULL AND _cv -> 'price' IS NULL"))
                .as("the price edit left the name at its older version").isEqualTo(1);
        syncBothWays();
        assertThat(product(a)).isEqualTo("[{name=desk lamp, price=12.50, tags={a}}]");
        assertConverged();
    }

    @Test
    void the_merge_does_not_depend_on_who_pulls_first() {
        twoNodesWithAProduct();
        b.sql("UPDATE products SET name = 'desk lamp', tags = '{b}' WHERE id = '" + ID + "'");
        TestNode.clockTicks();
        a.sql("UPDATE products SET price = 12.50 WHERE id = '" + ID + "'");
        b.pullFrom(a);
        a.pullFrom(b);
        assertThat(product(b)).isEqualTo("[{name=desk lamp, price=12.50, tags={b}}]");
        assertConverged();
        // The merged row then moves on like any other: a later edit on one node reaches the other.
        TestNode.clockTicks();
        a.sql("UPDATE products SET tags = '{c}' WHERE id = '" + ID + "'");
        b.pullFrom(a);
        assertThat(product(b)).isEqualTo("[{name=desk lamp, price=12.50, tags={c}}]");
        assertConverged();
    }

    @Test
    void the_same_column_edited_on_both_nodes_keeps_the_later_edit() {
        twoNodesWithAProduct();
        a.sql("UPDATE products SET price = 11.00, name = 'lamp A' WHERE id = '" + ID + "'");
        TestNode.clockTicks();
        b.sql("UPDATE products SET price = 13.00 WHERE id = '" + ID + "'");
        syncBothWays();
        assertThat(product(a)).as("price from b (later), name from a (only a changed it)")
                .isEqualTo("[{name=lamp A, price=13.00, tags={a}}]");
        assertConverged();
    }

    @Test
    void sequential_edits_on_different_nodes_apply_in_order() {
        twoNodesWithAProduct();
        a.sql("UPDATE products SET price = 12.50 WHERE id = '" + ID + "'");
        b.pullFrom(a);
        TestNode.clockTicks();
        b.sql("UPDATE products SET price = 14.00 WHERE id = '" + ID + "'");
        a.pullFrom(b);
        assertThat(product(a)).isEqualTo("[{name=lamp, price=14.00, tags={a}}]");
        assertConverged();
    }

    @Test
    void update_vs_delete_the_later_write_wins() {
        twoNodesWithAProduct();
        a.sql("DELETE FROM products WHERE id = '" + ID + "'");
        TestNode.clockTicks();
        b.sql("UPDATE products SET price = 9.00 WHERE id = '" + ID + "'");
        syncBothWays();
        assertThat(product(a)).as("an update after the delete brings the row back, as the updater held it")
                .isEqualTo("[{name=lamp, price=9.00, tags={a}}]");
        assertConverged();

        TestNode.clockTicks();
        b.sql("UPDATE products SET name = 'old' WHERE id = '" + ID + "'");
        TestNode.clockTicks();
        a.sql("DELETE FROM products WHERE id = '" + ID + "'");
        syncBothWays();
        assertThat(product(b)).as("a delete after the update removes the row").isEqualTo("[]");
        assertConverged();
    }

    @Test
    void delete_vs_insert_and_insert_vs_insert_keep_the_later_write_whole() {
        twoNodesWithAProduct();
        a.sql("DELETE FROM products WHERE id = '" + ID + "'");
        b.pullFrom(a);
        TestNode.clockTicks();
        b.sql("INSERT INTO products (id, name, price) VALUES ('" + ID + "', 'reborn', 1.00)");
        syncBothWays();
        assertThat(product(a)).as("an insert after the delete").isEqualTo("[{name=reborn, price=1.00, tags=null}]");
        assertConverged();

        String other = "00000000-0000-0000-0000-0000000000bb";
        a.sql("INSERT INTO products (id, name, price, tags) VALUES ('" + other + "', 'first', 1.00, '{x}')");
        TestNode.clockTicks();
        b.sql("INSERT INTO products (id, name) VALUES ('" + other + "', 'second')");
        syncBothWays();
        assertThat(a.rows("SELECT name, price, tags FROM products WHERE id = '" + other + "'").toString())
                .as("the later insert wins whole: its null price and tags too")
                .isEqualTo("[{name=second, price=null, tags=null}]");
        assertConverged();
    }
}
