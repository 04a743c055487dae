package dev.peersync.it.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two real databases standing in for two nodes, made to differ by hand. */
class ConvergenceCheckerTest {
    private static final List<String> TABLES = List.of("products", "tags");
    private static final String SCHEMA = """
            CREATE TABLE products (id uuid PRIMARY KEY, name text NOT NULL, price numeric(12,2), created_at timestamptz);
            CREATE TABLE tags (product_id uuid, tag text, weight int, PRIMARY KEY (tag, product_id));
            INSERT INTO products VALUES ('00000000-0000-0000-0000-000000000001', 'lamp', 12.50, '2026-01-01T10:00:00Z'),
                                        ('00000000-0000-0000-0000-000000000002', 'desk', 99.00, '2026-01-01T11:00:00Z');
            INSERT INTO tags VALUES ('00000000-0000-0000-0000-000000000001', 'light', 1);
            """;

    private TestDatabase first;
    private TestDatabase second;

    @BeforeEach
    void twoNodesWithTheSameRows() throws SQLException {
        first = PostgresServer.shared().createDatabase("checker_a");
        second = PostgresServer.shared().createDatabase("checker_b");
        execute(first, SCHEMA);
        execute(second, SCHEMA);
    }

    @AfterEach
    void drop() {
        first.drop();
        second.drop();
    }

    private static void execute(TestDatabase database, String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private ConvergenceChecker checker() {
        return new ConvergenceChecker(List.of(new ConvergenceChecker.Source("node1", first.dataSource()),
                new ConvergenceChecker.Source("node2", second.dataSource())), TABLES, Duration.ofMillis(300));
    }

    @Test
    void identical_tables_converge() {
        SnapshotDiff diff = checker().check();

        assertThat(diff.converged()).as(diff.render()).isTrue();
        assertThat(diff.snapshots().get(0).table("products").size()).isEqualTo(2);
        assertThat(diff.snapshots().get(0).table("tags").keyColumns()).containsExactly("tag", "product_id");
    }

    @Test
    void same_rows_inserted_in_another_order_still_converge() throws SQLException {
        execute(first, "DELETE FROM products WHERE name = 'lamp'; DELETE FROM tags;"
                + "INSERT INTO tags VALUES ('00000000-0000-0000-0000-000000000001', 'light', 1);"
                + "INSERT INTO products VALUES ('00000000-0000-0000-0000-000000000001', 'lamp', 12.5, '2026-01-01T12:00:00+02:00')");

        assertThat(checker().check().converged()).isTrue();
    }

    @Test
    void a_changed_column_is_reported_with_its_values() throws SQLException {
        execute(second, "UPDATE products SET price = 13.00 WHERE name = 'lamp'");

        SnapshotDiff diff = checker().check();

        assertThat(diff.converged()).isFalse();
        assertThat(diff.differences()).singleElement().satisfies(d -> {
            assertThat(d.table()).isEqualTo("products");
            assertThat(d.key()).isEqualTo("[\"00000000-0000-0000-0000-000000000001\"]");
        });
        assertThat(diff.render()).contains("node2: differs from node1 in price: 12.50 -> 13.00")
                .contains("products").contains("<- 1 differ");
    }

    @Test
    void a_row_missing_on_one_node_is_reported_as_missing_there() throws SQLException {
        execute(first, "INSERT INTO tags VALUES ('00000000-0000-0000-0000-000000000002', 'wood', 3)");

        SnapshotDiff diff = checker().check();

        assertThat(diff.differences()).singleElement()
                .satisfies(d -> assertThat(d.missingOn()).containsExactly("node2"));
        assertThat(diff.render()).contains("tags [\"wood\", \"00000000-0000-0000-0000-000000000002\"]:")
                .contains("node2: (missing)");
    }

    @Test
    void waiting_for_convergence_fails_with_the_diff_when_nodes_keep_differing() throws SQLException {
        execute(second, "DELETE FROM products WHERE name = 'desk'");

        assertThatThrownBy(() -> checker().awaitConvergence(Duration.ofMillis(800)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("did not converge within 800 ms")
                .hasMessageContaining("node2: (missing)");
    }

    @Test
    void waiting_for_convergence_returns_once_a_late_repair_lands() throws Exception {
        execute(second, "DELETE FROM products WHERE name = 'desk'");
        Thread repair = new Thread(() -> {
            try {
                // The "sync" arrives while the checker polls.
                checker().awaitConvergence(Duration.ZERO);
            } catch (AssertionError expected) {
                try {
                    execute(second, "INSERT INTO products VALUES ('00000000-0000-0000-0000-000000000002', 'desk', 99.00,"
                            + " '2026-01-01T11:00:00Z')");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        repair.start();

        Convergence convergence = checker().awaitConvergence(Duration.ofSeconds(20));
        repair.join();

        assertThat(convergence.data().table("products").size()).isEqualTo(2);
        assertThat(convergence.elapsed()).isLessThan(Duration.ofSeconds(20));
    }
}
