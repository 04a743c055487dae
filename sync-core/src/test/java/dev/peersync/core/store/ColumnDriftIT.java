package dev.peersync.core.store;

import static org.assertj.core.api.Assertions.assertThat;

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
}
