package dev.peersync.store.postgres;

import dev.peersync.core.store.ApplyResult;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TRUNCATE replicates: rows below the truncation's version go on every node, rows written after it stay. */
class TruncateIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private static String names(TestNode n) {
        return n.rows("SELECT name FROM products ORDER BY name").stream().map(r -> (String) r.get("name")).toList()
                .toString();
    }

    @Test
    void a_truncate_removes_older_rows_everywhere_and_keeps_rows_written_after_it() {
        TestNode a = nodes.create("tr_a");
        TestNode b = nodes.create("tr_b");
        TestNode c = nodes.create("tr_c");
        a.sql("INSERT INTO products (id, name) SELECT gen_random_uuid(), 'old-' || g FROM generate_series(1, 50) g");
        b.pullFrom(a);
        c.pullFrom(a);
        c.sql("INSERT INTO products (id, name) VALUES (gen_random_uuid(), 'c-before')"); // not seen by a
        List<RowChange> inFlightFromC = c.store.readChanges(b.id(), new PullRequest(c.store.tables(), "", 100)).changes();
        TestNode.clockTicks();

        a.sql("TRUNCATE products CASCADE");
        assertThat(a.count("SELECT count(*) FROM peersync.m_products")).as("capture: metadata gone with the rows")
                .isZero();
        TestNode.clockTicks();
        b.sql("INSERT INTO products (id, name) VALUES (gen_random_uuid(), 'b-after')");

        b.pullFrom(a);
        assertThat(names(b)).isEqualTo("[b-after]");
        // c's row written before the truncation reaches b late: it is below the truncation, so it is skipped.
        ApplyResult late = b.store.applyRows(c.id(), inFlightFromC);
        assertThat(late.applied()).isZero();
        assertThat(names(b)).isEqualTo("[b-after]");

        for (int round = 0; round < 2; round++) {
            a.pullFrom(b);
            c.pullFrom(a);
            c.pullFrom(b);
            a.pullFrom(c);
            b.pullFrom(c);
        }
        for (TestNode n : List.of(a, b, c)) {
            assertThat(names(n)).as(n.db.name()).isEqualTo("[b-after]");
        }
        assertThat(b.digests()).isEqualTo(a.digests());
        assertThat(c.digests()).isEqualTo(a.digests());
        assertThat(c.count("SELECT count(*) FROM peersync.m_products")).isEqualTo(1);
    }

    @Test
    void a_snapshot_page_from_a_node_that_has_not_truncated_yet_brings_nothing_back() {
        TestNode a = nodes.create("tr_snap_a");
        TestNode b = nodes.create("tr_snap_b");
        a.sql("INSERT INTO products (id, name) SELECT gen_random_uuid(), 'old-' || g FROM generate_series(1, 20) g");
        b.pullFrom(a);
        TestNode.clockTicks();
        b.sql("TRUNCATE products CASCADE");
        // a has not heard of it: its rows come to b again, in a snapshot page and in its feed, and are skipped.
        SnapshotPage page = a.store.readSnapshot(new SnapshotRequest("products", b.store.snapshotColumns("products"),
                "", 100));
        assertThat(page.rows()).isEqualTo(20);
        assertThat(b.store.loadSnapshotPage(a.id(), "products", page).applied()).isZero();
        List<RowChange> old = a.store.readChanges(b.id(), new PullRequest(a.store.tables(), "", 100)).changes();
        assertThat(b.store.applyRows(a.id(), old).applied()).isZero();
        assertThat(b.count("SELECT count(*) FROM products")).isZero();
        a.pullFrom(b);
        assertThat(a.count("SELECT count(*) FROM products")).isZero();
        assertThat(a.digests()).isEqualTo(b.digests());
    }
}
