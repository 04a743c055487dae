package dev.peersync.it.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peersync.it.check.WriteHistory.Kind;
import dev.peersync.it.check.WriteHistory.Order;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Histories with explicit times against hand-made converged data. Times are given in units of 10 ms, so "10 then 20"
 * are 100 ms apart: ordered, beyond {@link WriteHistory#REAL_TIME_MARGIN}.
 */
class WriteHistoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String P1 = "p1";
    private static final String C1 = "c1";
    private static final String R1 = "r1";

    private static long at(long tensOfMillis) {
        return tensOfMillis * 10_000_000L;
    }

    private final WriteHistory history = WriteHistory.forReviewSchema();

    private static ObjectNode row(String... pairs) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                node.putNull(pairs[i]);
            } else {
                node.put(pairs[i], pairs[i + 1]);
            }
        }
        return node;
    }

    /** Converged data: table -> rows (each needs an "id"). */
    private static NodeSnapshot data(Map<String, List<ObjectNode>> tables) {
        Map<String, TableSnapshot> snapshots = new LinkedHashMap<>();
        for (String table : List.of("users", "categories", "products", "reviews", "product_images", "review_media")) {
            TreeMap<String, ObjectNode> rows = new TreeMap<>();
            for (ObjectNode row : tables.getOrDefault(table, List.of())) {
                rows.put(SnapshotReader.keyOf(row.get("id").asText()), row);
            }
            snapshots.put(table, new TableSnapshot(table, List.of("id"), rows));
        }
        return new NodeSnapshot("node1", snapshots);
    }

    private void write(String table, String id, Kind kind, ObjectNode values, long start, long ack) {
        history.record("node1", table, id, kind, values, at(start), ack == WriteHistory.UNKNOWN ? ack : at(ack));
    }

    @Test
    void acknowledged_insert_present_with_its_value_holds() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);

        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "lamp", "price", "1")))),
                Order.REAL_TIME)).isEmpty();
    }

    @Test
    void acknowledged_insert_missing_is_a_lost_write() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);

        assertThat(history.violations(data(Map.of()), Order.REAL_TIME)).singleElement().asString()
                .contains("products p1: missing");
    }

    @Test
    void insert_with_unknown_outcome_may_be_missing() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, WriteHistory.UNKNOWN);

        assertThat(history.violations(data(Map.of()), Order.REAL_TIME)).isEmpty();
    }

    @Test
    void later_acknowledged_delete_must_win() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);
        write("products", P1, Kind.DELETE, null, 20, 30);

        assertThat(history.violations(data(Map.of()), Order.REAL_TIME)).isEmpty();
        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "lamp")))),
                Order.REAL_TIME)).singleElement().asString().contains("no write that could have won says it exists");
    }

    @Test
    void an_overwritten_value_is_a_violation_in_real_time_order_but_not_without_order() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);
        write("products", P1, Kind.UPDATE, row("id", P1, "name", "lamp v2"), 20, 30);
        NodeSnapshot stale = data(Map.of("products", List.of(row("id", P1, "name", "lamp"))));

        assertThat(history.violations(stale, Order.REAL_TIME)).hasSize(1);
        assertThat(history.violations(stale, Order.NONE)).isEmpty();
    }

    @Test
    void writes_on_two_nodes_within_the_margin_are_concurrent() {
        history.record("node1", "products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, at(1));
        history.record("node2", "products", P1, Kind.UPDATE, row("id", P1, "name", "lamp v2"), at(1) + 5_000_000,
                at(2));

        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "lamp")))),
                Order.REAL_TIME)).isEmpty();
    }

    @Test
    void concurrent_updates_may_either_win() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);
        write("products", P1, Kind.UPDATE, row("id", P1, "name", "from node 1"), 20, 40);
        write("products", P1, Kind.UPDATE, row("id", P1, "name", "from node 2"), 25, 35);

        for (String winner : List.of("from node 1", "from node 2")) {
            assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", winner)))),
                    Order.REAL_TIME)).isEmpty();
        }
        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "lamp")))),
                Order.REAL_TIME)).hasSize(1);
    }

    @Test
    void concurrent_updates_of_different_columns_must_both_be_there() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp", "description", "plain"), 0, 10);
        write("products", P1, Kind.UPDATE, row("id", P1, "name", "desk lamp"), 20, 40);
        write("products", P1, Kind.UPDATE, row("id", P1, "description", "bright"), 25, 35);

        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "desk lamp",
                "description", "bright")))), Order.REAL_TIME)).isEmpty();
        // Whole-row last-writer-wins would keep one edit and lose the other: a lost write.
        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "desk lamp",
                "description", "plain")))), Order.REAL_TIME)).singleElement().asString()
                .contains("column description holds \"plain\"");
        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "lamp",
                "description", "bright")))), Order.REAL_TIME)).singleElement().asString()
                .contains("column name holds \"lamp\"");
    }

    @Test
    void update_concurrent_with_delete_may_leave_the_row_or_not() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);
        write("products", P1, Kind.UPDATE, row("id", P1, "name", "lamp v2"), 20, 40);
        write("products", P1, Kind.DELETE, null, 25, 35);

        assertThat(history.violations(data(Map.of()), Order.REAL_TIME)).isEmpty();
        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "lamp v2")))),
                Order.REAL_TIME)).isEmpty();
    }

    @Test
    void children_may_vanish_with_a_deleted_parent_through_cascades() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);
        write("reviews", R1, Kind.INSERT, row("id", R1, "product_id", P1, "title", "good"), 20, 30);
        write("review_media", "m1", Kind.INSERT, row("id", "m1", "review_id", R1), 40, 50);
        write("products", P1, Kind.DELETE, null, 60, 70);

        assertThat(history.violations(data(Map.of()), Order.REAL_TIME)).isEmpty();
    }

    @Test
    void a_set_null_reference_may_be_null_after_its_parent_was_deleted() {
        write("categories", C1, Kind.INSERT, row("id", C1, "name", "lights"), 0, 10);
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp", "category_id", C1), 20, 30);
        write("categories", C1, Kind.DELETE, null, 40, 50);

        assertThat(history.violations(data(Map.of("products",
                List.of(row("id", P1, "name", "lamp", "category_id", null)))), Order.REAL_TIME)).isEmpty();
        // but not without that delete
        WriteHistory noDelete = WriteHistory.forReviewSchema();
        noDelete.record("node1", "products", P1, Kind.INSERT, row("id", P1, "name", "lamp", "category_id", C1), 0,
                at(10));
        assertThat(noDelete.violations(data(Map.of("products",
                List.of(row("id", P1, "name", "lamp", "category_id", null)))), Order.REAL_TIME)).hasSize(1);
    }

    @Test
    void a_violation_names_the_deleted_parents_of_the_row() {
        write("categories", C1, Kind.INSERT, row("id", C1, "name", "lights"), 0, 1);
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp", "category_id", C1), 2, 3);
        write("categories", C1, Kind.DELETE, null, 4, 5);
        write("products", P1, Kind.DELETE, null, 10, 11);

        assertThat(history.violations(data(Map.of("products",
                List.of(row("id", P1, "name", "lamp", "category_id", null)))), Order.REAL_TIME)).singleElement()
                .asString().contains("parent categories c1 (category_id, ON DELETE SET_NULL) deleted by #3 DELETE")
                .contains("started at +20 ms").contains("#4 +80 ms");
    }

    @Test
    void an_exclusive_table_holds_only_rows_the_history_wrote() {
        history.exclusive("products");
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);

        assertThat(history.violations(data(Map.of("products",
                List.of(row("id", P1, "name", "lamp"), row("id", "p2", "name", "ghost")))), Order.REAL_TIME))
                .singleElement().asString().contains("p2").contains("never written");
    }

    @Test
    void check_fails_listing_the_violations() {
        write("products", P1, Kind.INSERT, row("id", P1, "name", "lamp"), 0, 10);

        assertThatThrownBy(() -> history.check(data(Map.of()), Order.REAL_TIME))
                .hasMessageContaining("1 rows break the write history").hasMessageContaining("products p1: missing");
    }

    @Test
    void pending_writes_record_their_acknowledgement() {
        history.begin("node2", "products", P1, Kind.INSERT).acknowledged(row("id", P1, "name", "lamp"));
        history.begin("node2", "products", "p2", Kind.INSERT).unknown(row("id", "p2", "name", "desk"));

        assertThat(history.size()).isEqualTo(2);
        assertThat(history.acknowledgedCounts()).containsEntry(Kind.INSERT, 1L);
        assertThat(history.violations(data(Map.of("products", List.of(row("id", P1, "name", "lamp")))),
                Order.REAL_TIME)).isEmpty();
    }
}
