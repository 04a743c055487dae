package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.store.StoreSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An apply's upsert of a table's winners skips capture (the apply records those rows itself; {@code
 * CaptureSql.WINNERS_SETTING}), but the other rows that change in that table meanwhile are captured: here, a row an ON
 * UPDATE CASCADE changes inside a table that references itself, whose statement trigger fires at depth 1 like the
 * upsert's. Without the self-reference exception this test fails: the cascaded row keeps its old version.
 */
class ApplyCaptureIT {
    private static final List<String> TABLES = List.of("items");
    private static final String DDL = """
            CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL UNIQUE, note text,
                                parent_name text REFERENCES items(name) ON UPDATE CASCADE)
            """;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private TestNode node(String name) {
        return nodes.create(name, StoreSettings.of(TABLES), DDL);
    }

    private static void assertConverged(TestNode a, TestNode b) {
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    @Test
    void a_row_a_cascade_changes_inside_a_table_that_references_itself_gets_a_version() {
        TestNode a = node("ac_self_a");
        TestNode b = node("ac_self_b");
        a.sql("INSERT INTO items (id, name) VALUES (1, 'parent')");
        b.pullFrom(a);
        a.sql("INSERT INTO items (id, name, parent_name) VALUES (3, 'local child', 'parent')"); // b has not seen it
        TestNode.clockTicks();
        long before = a.count("SELECT _hlc FROM peersync.m_items WHERE id = 3");

        b.sql("UPDATE items SET name = 'renamed' WHERE id = 1");
        a.pullFrom(b); // the upsert of item 1 cascades to item 3, which is no winner of the batch

        assertThat(a.rows("SELECT parent_name FROM items WHERE id = 3")).extracting(r -> r.get("parent_name"))
                .containsExactly("renamed");
        assertThat(a.count("SELECT _hlc FROM peersync.m_items WHERE id = 3"))
                .as("item 3's version after the cascade changed it").isGreaterThan(before);
        b.pullFrom(a);
        a.pullFrom(b);
        assertConverged(a, b);
    }
}
