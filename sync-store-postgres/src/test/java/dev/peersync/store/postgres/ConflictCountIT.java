package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.store.ApplyResult;
import java.util.List;
import java.util.Map;
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
}
