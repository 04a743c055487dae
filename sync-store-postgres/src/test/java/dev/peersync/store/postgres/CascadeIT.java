package dev.peersync.store.postgres;

import dev.peersync.core.store.ConflictQuery;
import dev.peersync.core.store.ConflictRecord;
import dev.peersync.core.store.StoreSettings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.spi.VersionsRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes made by foreign-key ON DELETE actions are derived effects: they keep the row's version, every node
 * derives them itself, and they never outrank a real write made concurrently on another node.
 */
class CascadeIT {
    private static final List<String> TABLES = List.of("categories", "products", "reviews");
    private static final String DDL = """
            CREATE TABLE categories (id uuid PRIMARY KEY, name text NOT NULL,
                                     parent_id uuid REFERENCES categories(id) ON DELETE SET NULL);
            CREATE TABLE products (id uuid PRIMARY KEY, name text NOT NULL,
                                   category_id uuid REFERENCES categories(id) ON DELETE SET NULL,
                                   last_review text);
            CREATE TABLE reviews (id uuid PRIMARY KEY, body text,
                                  product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE);
            """;
    /** An application trigger that writes another synced table, idempotently (separate statements: the script splitter cuts $$). */
    private static final List<String> APP_TRIGGER = List.of("""
            CREATE FUNCTION count_review() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN UPDATE products SET last_review = NEW.body WHERE id = NEW.product_id; RETURN NULL; END $$""",
            "CREATE TRIGGER count_review AFTER INSERT ON reviews FOR EACH ROW EXECUTE FUNCTION count_review()");
    private static final UUID PARENT = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID CHILD = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID PRODUCT = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID REVIEW = UUID.fromString("00000000-0000-0000-0000-0000000000d1");

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private TestNode node(String name) {
        TestNode node = nodes.create(name, StoreSettings.of(TABLES), DDL);
        APP_TRIGGER.forEach(node::sql);
        return node;
    }

    /** Parent category, child category, a product in the child and a review of it, on every node. */
    private static void seed(TestNode origin, TestNode... others) {
        origin.sql("INSERT INTO categories VALUES (?, 'parent', NULL)", PARENT);
        origin.sql("INSERT INTO categories VALUES (?, 'child', ?)", CHILD, PARENT);
        origin.sql("INSERT INTO products VALUES (?, 'product', ?)", PRODUCT, CHILD);
        origin.sql("INSERT INTO reviews VALUES (?, 'first', ?)", REVIEW, PRODUCT);
        for (TestNode other : others) {
            other.pullFrom(origin);
        }
        TestNode.clockTicks();
    }

    private static void exchange(TestNode first, TestNode second, boolean firstPullsFirst) {
        if (firstPullsFirst) {
            first.pullFrom(second);
            second.pullFrom(first);
        } else {
            second.pullFrom(first);
            first.pullFrom(second);
        }
    }

    /** The derived flag of a category's version, as anti-entropy reads it. */
    private static boolean derived(TestNode node, String key) {
        VersionsRequest bucket = new VersionsRequest(List.of(DigestRange.bucket(DigestHash.bucketOf(key, 1024))),
                List.of(), "", 100);
        return node.store.rangeVersions("categories", bucket).versions().stream().filter(v -> v.pk().equals(key))
                .findFirst().orElseThrow(() -> new AssertionError("no version of " + key + " on " + node.db.name()))
                .derived();
    }

    private static void assertConverged(TestNode... all) {
        for (TestNode n : all) {
            assertThat(n.content()).as(n.db.name()).isEqualTo(all[0].content());
            assertThat(n.digests()).as(n.db.name()).isEqualTo(all[0].digests());
            assertThat(n.store.parkedCount()).as(n.db.name() + " parked " + n.rows("SELECT tbl, pk, reason FROM peersync.parked")).isZero();
        }
    }

    /**
     * The {@code fk_orphan} entries of both logs: {@code deleter} (where the parent was deleted) holds one for
     * {@code table}'s row {@code key}, received from {@code writer} still referencing {@code parent}, settled by
     * {@code resolution} of {@code constraint}; {@code writer} holds none. A null {@code table}: neither holds any.
     */
    private static void assertOrphanLogged(TestNode deleter, TestNode writer, String table, UUID key, UUID parent,
                                           String resolution, String constraint) {
        List<ConflictRecord> logged = deleter.store.conflicts(new ConflictQuery(null, "fk_orphan", null, null, 10));
        if (table == null) {
            assertThat(logged).as(deleter.db.name()).isEmpty();
        } else {
            assertThat(logged).as(deleter.db.name()).singleElement().satisfies(c -> {
                assertThat(c.table()).isEqualTo(table);
                assertThat(c.pk()).isEqualTo("[\"" + key + "\"]");
                assertThat(c.resolution()).isEqualTo(resolution);
                assertThat(c.peer()).isEqualTo(writer.id());
                assertThat(c.local()).isNull();
                assertThat(c.incomingRow()).contains(parent.toString());
                assertThat(c.detail()).startsWith(constraint).contains("is deleted here");
            });
        }
        assertThat(writer.store.conflicts(new ConflictQuery(null, "fk_orphan", null, null, 10))).as(writer.db.name())
                .isEmpty();
    }

    @Test
    void children_deleted_by_a_parent_delete_that_lost_to_a_concurrent_update_come_back_on_repair() {
        TestNode x = node("back_x");
        TestNode y = node("back_y");
        seed(x, y);
        x.sql("DELETE FROM products WHERE id = ?", PRODUCT);   // the review goes too, as a derived delete
        TestNode.clockTicks();
        y.sql("UPDATE products SET name = 'renamed' WHERE id = ?", PRODUCT);   // later: beats the delete
        exchange(x, y, true);
        assertThat(x.rows("SELECT name FROM products")).extracting(r -> r.get("name")).containsExactly("renamed");

        // The review kept its version in both places, live on y, derived-deleted on x: anti-entropy sees the
        // same version with a different deleted flag and fetches it; the live row wins on x.
        String reviewKey = "[\"" + REVIEW + "\"]";
        x.store.applyRows(y.id(), y.store.fetchRows("reviews", List.of(reviewKey)));

        assertThat(x.rows("SELECT body FROM reviews")).extracting(r -> r.get("body")).containsExactly("first");
        assertConverged(x, y);
    }

    @Test
    void children_nulled_by_a_parent_delete_that_lost_to_a_concurrent_update_get_their_reference_back_on_repair() {
        TestNode x = node("null_x");
        TestNode y = node("null_y");
        seed(x, y);
        x.sql("DELETE FROM categories WHERE id = ?", PARENT);   // SET NULL on the child, a derived write
        TestNode.clockTicks();
        y.sql("UPDATE categories SET name = 'renamed' WHERE id = ?", PARENT);   // later: beats the delete
        exchange(x, y, true);
        assertThat(x.rows("SELECT name FROM categories WHERE id = '" + PARENT + "'")).extracting(r -> r.get("name"))
                .containsExactly("renamed");
        assertThat(x.rows("SELECT parent_id FROM categories WHERE id = '" + CHILD + "'"))
                .extracting(r -> r.get("parent_id")).containsOnlyNulls();

        // The child kept its version on both nodes, nulled on x, as written on y: the digests tell them apart
        // (the nulled row's stored hash is marked), anti-entropy sees the same version derived on x and not on y,
        // and the row as written wins on x.
        assertThat(x.digests()).isNotEqualTo(y.digests());
        String childKey = "[\"" + CHILD + "\"]";
        assertThat(derived(x, childKey)).isTrue();
        assertThat(derived(y, childKey)).isFalse();
        x.store.applyRows(y.id(), y.store.fetchRows("categories", List.of(childKey)));

        assertThat(x.rows("SELECT parent_id FROM categories WHERE id = '" + CHILD + "'"))
                .extracting(r -> r.get("parent_id")).containsExactly(PARENT);
        assertConverged(x, y);
    }

    @Test
    void a_node_reading_the_feed_from_its_start_records_a_nulled_child_as_derived() {
        TestNode x = node("feedderived_x");
        seed(x);
        x.sql("DELETE FROM categories WHERE id = ?", PARENT);   // SET NULL on the child: derived
        String childKey = "[\"" + CHILD + "\"]";
        assertThat(derived(x, childKey)).isTrue();
        TestNode w = node("feedderived_w");

        w.pullFrom(x);   // the feed from its start: the child comes nulled, marked derived

        assertThat(derived(w, childKey)).isTrue();
        assertConverged(x, w);
    }

    @Test
    void a_parent_delete_that_wins_nulls_and_marks_the_children_alike_on_every_node() {
        TestNode x = node("nullwin_x");
        TestNode y = node("nullwin_y");
        TestNode z = node("nullwin_z");
        seed(x, y, z);
        x.sql("DELETE FROM categories WHERE id = ?", PARENT);
        y.pullFrom(x);
        z.pullFrom(y);   // relayed: the child is nulled on apply of the parent's tombstone, not sent
        assertConverged(x, y, z);
        assertThat(z.rows("SELECT parent_id FROM categories WHERE id = '" + CHILD + "'"))
                .extracting(r -> r.get("parent_id")).containsOnlyNulls();
        // Derived alike everywhere: equal digests (above), and anti-entropy would fetch nothing.
        String childKey = "[\"" + CHILD + "\"]";
        for (TestNode n : List.of(x, y, z)) {
            assertThat(derived(n, childKey)).as(n.db.name()).isTrue();
        }
    }

    @Test
    void snapshot_pages_carry_derived_rows_and_column_versions_with_their_marks_by_copy_and_by_the_merge_rule() {
        TestNode x = node("snapmark_x");
        TestNode y = node("snapmark_y");
        TestNode z = node("snapmark_z");
        // z wrote the child's key first, with no parent: x's later version of it must go through the merge rule.
        z.sql("INSERT INTO categories VALUES (?, 'z child', NULL)", CHILD);
        TestNode.clockTicks();
        seed(x);
        x.sql("UPDATE products SET name = 'renamed' WHERE id = ?", PRODUCT); // column versions on the product
        x.sql("DELETE FROM categories WHERE id = ?", PARENT);                // SET NULL on the child: derived
        String childKey = "[\"" + CHILD + "\"]";
        assertThat(derived(x, childKey)).isTrue();
        assertThat(x.count("SELECT count(*) FROM peersync.m_products WHERE _cv IS NOT NULL")).isOne();
        for (String table : TABLES) {
            SnapshotPage page = x.store.readSnapshot(new SnapshotRequest(table, y.store.snapshotColumns(table), "", 100));
            ApplyResult loaded = y.store.loadSnapshotPage(x.id(), table, page);
            // The merge rule's path counts rows per origin; the plain COPY of a page of new rows does not.
            assertThat(loaded.perOrigin()).as("%s loaded by the plain COPY", table).isEmpty();
            assertThat(loaded.applied()).isEqualTo(page.rows());
            ApplyResult merged = z.store.loadSnapshotPage(x.id(), table, page);
            assertThat(merged.perOrigin().isEmpty()).as("%s loaded on z by the plain COPY", table)
                    .isEqualTo(!table.equals("categories"));
        }
        assertThat(derived(y, childKey)).isTrue();
        assertThat(derived(z, childKey)).isTrue();
        assertThat(y.rows("SELECT _cv::text AS cv FROM peersync.m_products"))
                .isEqualTo(x.rows("SELECT _cv::text AS cv FROM peersync.m_products"));
        assertConverged(x, y, z);
    }

    @Test
    void a_child_deleted_on_one_node_stays_deleted_when_another_node_later_deletes_its_parent() {
        for (boolean order : List.of(true, false)) {
            TestNode x = node("del_x");
            TestNode y = node("del_y");
            seed(x, y);
            x.sql("DELETE FROM categories WHERE id = ?", CHILD);
            TestNode.clockTicks();
            y.sql("DELETE FROM categories WHERE id = ?", PARENT); // SET NULL on y's old copy of the child

            exchange(x, y, order);

            assertConverged(x, y);
            assertThat(x.count("SELECT count(*) FROM categories")).as("order " + order).isZero();
            assertThat(x.count("SELECT count(*) FROM peersync.m_categories WHERE _deleted")).isEqualTo(2);
        }
    }

    @Test
    void a_child_updated_on_one_node_keeps_its_update_with_a_null_parent_when_another_node_deletes_the_parent() {
        for (boolean order : List.of(true, false)) {
            TestNode x = node("upd_x");
            TestNode y = node("upd_y");
            seed(x, y);
            x.sql("UPDATE categories SET name = 'renamed on x' WHERE id = ?", CHILD);
            TestNode.clockTicks();
            y.sql("DELETE FROM categories WHERE id = ?", PARENT);

            exchange(x, y, order);

            assertConverged(x, y);
            assertThat(y.rows("SELECT name, parent_id FROM categories WHERE id = '" + CHILD + "'"))
                    .as("order " + order).singleElement()
                    .satisfies(r -> {
                        assertThat(r.get("name")).isEqualTo("renamed on x");
                        assertThat(r.get("parent_id")).isNull();
                    });
            // When y, where the parent is deleted, receives x's update still naming it, y applies SET NULL and logs an
            // fk_orphan; when x receives the parent's delete first, PostgreSQL nulls x's child (no conflict to log).
            assertOrphanLogged(y, x, order ? null : "categories", CHILD, PARENT, "set_null", "categories_parent_id_fkey");
        }
    }

    @Test
    void a_merged_row_whose_parent_is_deleted_here_is_recorded_as_derived_and_nodes_converge() {
        for (boolean order : List.of(true, false)) {
            TestNode x = node("mrg_x");
            TestNode y = node("mrg_y");
            seed(x, y);
            // Concurrent edits of different columns of the product (merged on apply), while y deletes its category.
            x.sql("UPDATE products SET name = 'renamed on x' WHERE id = ?", PRODUCT);
            TestNode.clockTicks();
            y.sql("UPDATE products SET last_review = 'noted on y' WHERE id = ?", PRODUCT);
            y.sql("DELETE FROM categories WHERE id = ?", CHILD);

            exchange(x, y, order);

            assertConverged(x, y);
            assertThat(x.rows("SELECT name, category_id, last_review FROM products WHERE id = '" + PRODUCT + "'"))
                    .as("order " + order).singleElement().satisfies(r -> {
                        assertThat(r.get("name")).isEqualTo("renamed on x");
                        assertThat(r.get("last_review")).isEqualTo("noted on y");
                        assertThat(r.get("category_id")).isNull();
                    });
        }
    }

    @Test
    void a_review_updated_on_one_node_is_gone_everywhere_when_another_node_deletes_its_product() {
        for (boolean order : List.of(true, false)) {
            TestNode x = node("casc_x");
            TestNode y = node("casc_y");
            seed(x, y);
            x.sql("UPDATE reviews SET body = 'edited on x' WHERE id = ?", REVIEW);
            TestNode.clockTicks();
            y.sql("DELETE FROM products WHERE id = ?", PRODUCT); // CASCADE on y's old copy of the review

            exchange(x, y, order);

            assertConverged(x, y);
            assertThat(x.count("SELECT count(*) FROM reviews")).as("order " + order).isZero();
            assertThat(x.count("SELECT count(*) FROM products")).isZero();
            assertOrphanLogged(y, x, order ? null : "reviews", REVIEW, PRODUCT, "cascaded", "reviews_product_id_fkey");
        }
    }

    @Test
    void a_cascade_keeps_the_rows_version_and_stays_out_of_the_feed() {
        TestNode x = node("keep_x");
        seed(x);
        List<?> before = x.rows("SELECT id, _hlc, _origin FROM peersync.m_categories WHERE id = '" + CHILD + "'");
        List<?> reviewBefore = x.rows("SELECT _hlc, _origin, _tx FROM peersync.m_reviews");
        x.sql("DELETE FROM categories WHERE id = ?", PARENT);
        x.sql("DELETE FROM products WHERE id = ?", PRODUCT);
        assertThat(x.rows("SELECT id, _hlc, _origin FROM peersync.m_categories WHERE id = '" + CHILD + "'"))
                .isEqualTo(before);
        assertThat(x.rows("SELECT _hlc, _origin, _tx FROM peersync.m_reviews")).isEqualTo(reviewBefore);
        assertThat(x.count("SELECT count(*) FROM peersync.m_reviews WHERE _deleted")).isEqualTo(1);
        // A direct write of the same shape is a real write: it gets a fresh version.
        x.sql("UPDATE categories SET name = 'direct' WHERE id = ?", CHILD);
        assertThat(x.rows("SELECT id, _hlc, _origin FROM peersync.m_categories WHERE id = '" + CHILD + "'"))
                .isNotEqualTo(before);
    }

    @Test
    void a_write_made_by_a_user_trigger_keeps_the_rows_version_and_is_derived_again_on_every_node() {
        TestNode x = node("trig_x");
        TestNode y = node("trig_y");
        seed(x, y);
        List<?> before = x.rows("SELECT _hlc, _origin, _tx FROM peersync.m_products");
        x.sql("INSERT INTO reviews VALUES (?, 'second', ?)", UUID.randomUUID(), PRODUCT);
        assertThat(x.rows("SELECT _hlc, _origin, _tx FROM peersync.m_products")).isEqualTo(before);

        y.pullFrom(x);

        assertConverged(x, y);
        assertThat(y.rows("SELECT last_review FROM products")).singleElement()
                .satisfies(r -> assertThat(r.get("last_review")).isEqualTo("second"));
    }

    @Test
    void a_third_node_relaying_both_sides_converges_to_the_same_result() {
        TestNode x = node("relay_x");
        TestNode y = node("relay_y");
        TestNode z = node("relay_z");
        seed(x, y, z);
        x.sql("DELETE FROM categories WHERE id = ?", CHILD);
        x.sql("UPDATE reviews SET body = 'edited on x' WHERE id = ?", REVIEW);
        TestNode.clockTicks();
        y.sql("DELETE FROM categories WHERE id = ?", PARENT);
        y.sql("DELETE FROM products WHERE id = ?", PRODUCT);

        // x and y never talk directly: everything goes through z, in both orders.
        z.pullFrom(y);
        x.pullFrom(z);
        z.pullFrom(x);
        y.pullFrom(z);

        assertConverged(x, y, z);
        assertThat(z.count("SELECT count(*) FROM categories")).isZero();
        assertThat(z.count("SELECT count(*) FROM reviews")).isZero();
    }
}
