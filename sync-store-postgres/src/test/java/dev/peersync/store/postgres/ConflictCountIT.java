package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.StoreSettings;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An apply counts every conflict it logs, by table and type, in its result: the counters and the metric come from that
 * count, while the {@code ConflictResolved} events of one apply are capped (a batch of conflicts must not become an
 * unbounded batch of events).
 */
class ConflictCountIT {
    private static final int ROWS = 1_200;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void an_apply_counts_every_conflict_it_logs_beyond_the_events_it_emits() {
        TestNode a = nodes.create("cc_a");
        TestNode b = nodes.create("cc_b");
        a.sql("INSERT INTO products (id, name, price) SELECT gen_random_uuid(), 'p' || g, 10 FROM generate_series(1, "
                + ROWS + ") g");
        b.pullFrom(a);
        TestNode.clockTicks();
        a.sql("UPDATE products SET price = 11");
        TestNode.clockTicks();
        b.sql("UPDATE products SET name = name || '+'");

        List<RowChange> fromB = b.store.readChanges(a.id(), new PullRequest(b.store.tables(), "", 5_000)).changes();
        assertThat(fromB).hasSize(ROWS);
        ApplyResult result = a.store.applyRows(b.id(), fromB);

        assertThat(result.conflicts()).isEqualTo(Map.of(new ApplyResult.ConflictKind("products", "update_update"), ROWS));
        assertThat(a.count("SELECT count(*) FROM peersync.conflicts WHERE tbl = 'products' AND type = 'update_update'"))
                .isEqualTo(ROWS);
        long events = result.events().stream().filter(e -> e instanceof SyncEvent.ConflictResolved).count();
        assertThat(events).as("ConflictResolved events of one apply (capped)").isLessThan(ROWS).isPositive();
    }

    @Test
    void a_parked_row_retried_and_parked_again_is_logged_and_counted_once() {
        TestNode a = nodes.create("cc_skew_a", StoreSettings.builder(TestNode.TABLES).clockOffsetMillis(300_000).build(),
                TestNode.SCHEMA);
        TestNode b = nodes.create("cc_skew_b");
        a.sql("INSERT INTO users VALUES (?, 'future', now())", UUID.randomUUID());
        List<RowChange> rows = a.store.readChanges(b.id(), new PullRequest(a.store.tables(), "", 100)).changes();

        ApplyResult first = b.store.applyRows(a.id(), rows);
        assertThat(first.parked()).isEqualTo(1);
        assertThat(first.conflicts()).isEqualTo(Map.of(new ApplyResult.ConflictKind("users", "clock_skew"), 1));
        for (int retry = 0; retry < 2; retry++) {
            ApplyResult again = b.store.retryParked();
            assertThat(again.parked()).as("retry %s", retry).isEqualTo(1);
            assertThat(again.conflicts()).as("retry %s", retry).isEmpty();
        }
        assertThat(b.count("SELECT count(*) FROM peersync.conflicts WHERE type = 'clock_skew'")).isEqualTo(1);
    }
}
