package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.store.ApplyResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The apply gate: snapshot pages of one table load beside each other (a join loads two at once), applies beside each
 * other, but a page load never beside an apply. Each test holds one side inside the store for real, blocked on a row a
 * local transaction holds, and watches the other side in {@code pg_locks}.
 */
class ApplyGateIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension
    final TestNodes nodes = new TestNodes();
    /** One thread per blocked call: the common pool may have a single thread. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void a_page_loads_while_another_page_load_waits_and_an_apply_waits_for_the_page_loads() throws Exception {
        TestNode a = nodes.create("gate_pages_a");
        TestNode b = nodes.create("gate_pages_b");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'user ' || g, now() FROM generate_series(1, 40) g");
        List<String> columns = b.store.snapshotColumns("users");
        SnapshotPage first = a.store.readSnapshot(new SnapshotRequest("users", columns, "", 20));
        SnapshotPage second = a.store.readSnapshot(new SnapshotRequest("users", columns, first.lastPk(), 20));
        UUID firstKey = UUID.fromString(first.lastPk().replaceAll("[\\[\\]\"]", ""));
        UUID late = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'late', now())", late);
        List<RowChange> feed = ApplyIT.everything(a);

        try (Connection local = b.dataSource.getConnection()) {
            local.setAutoCommit(false);
            try (PreparedStatement ps = local.prepareStatement("INSERT INTO users VALUES (?, 'local', now())")) {
                ps.setObject(1, firstKey);
                ps.executeUpdate(); // not committed: the first page's insert of this key waits for it, gate held
            }
            CompletableFuture<ApplyResult> firstLoad =
                    CompletableFuture.supplyAsync(() -> b.store.loadSnapshotPage(a.id(), "users", first), threads);
            b.awaitLockWaiter();

            ApplyResult secondLoad = within(CompletableFuture.supplyAsync(
                    () -> b.store.loadSnapshotPage(a.id(), "users", second), threads), "the second page, beside the first");
            assertThat(secondLoad.applied()).isEqualTo(20);
            assertThat(firstLoad).isNotDone();

            CompletableFuture<ApplyResult> apply = CompletableFuture.supplyAsync(() -> b.store.applyRows(a.id(), feed), threads);
            awaitGateWaiters(b, 1);
            assertThat(apply).isNotDone();

            local.rollback(); // the first page goes on, commits, and lets the apply in
            assertThat(within(firstLoad, "the first page").applied()).isEqualTo(20);
            ApplyResult applied = within(apply, "the apply, after the pages");
            assertThat(applied.applied()).as("only the user written after the pages were read").isEqualTo(1);
            assertThat(applied.skipped()).isEqualTo(40);
        }
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    @Test
    void a_page_load_waits_for_an_apply() throws Exception {
        TestNode a = nodes.create("gate_apply_a");
        TestNode b = nodes.create("gate_apply_b");
        UUID held = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'held', now())", held);
        List<RowChange> users = ApplyIT.everything(a);
        a.sql("INSERT INTO products SELECT gen_random_uuid(), 'p' || g, g, NULL, NULL FROM generate_series(1, 10) g");
        SnapshotPage products = a.store.readSnapshot(
                new SnapshotRequest("products", b.store.snapshotColumns("products"), "", 100));

        try (Connection local = b.dataSource.getConnection()) {
            local.setAutoCommit(false);
            try (PreparedStatement ps = local.prepareStatement("INSERT INTO users VALUES (?, 'local', now())")) {
                ps.setObject(1, held);
                ps.executeUpdate(); // not committed: the apply's write of this key waits for it, gate held
            }
            CompletableFuture<ApplyResult> apply = CompletableFuture.supplyAsync(() -> b.store.applyRows(a.id(), users), threads);
            b.awaitLockWaiter();

            CompletableFuture<ApplyResult> load =
                    CompletableFuture.supplyAsync(() -> b.store.loadSnapshotPage(a.id(), "products", products), threads);
            awaitGateWaiters(b, 1);
            assertThat(load).isNotDone();

            local.rollback();
            assertThat(within(apply, "the apply").applied()).isEqualTo(1);
            assertThat(within(load, "the page, after the apply").applied()).isEqualTo(10);
        }
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    /** The call's result, or a failure naming {@code what} when it does not end within the deadline. */
    private static ApplyResult within(CompletableFuture<ApplyResult> call, String what) throws Exception {
        try {
            return call.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not end within " + DEADLINE + ": it waited for the gate or a row", e);
        }
    }

    /** Waits until {@code count} sessions of {@code node}'s database wait for the apply gate. */
    private static void awaitGateWaiters(TestNode node, long count) {
        Instant deadline = Instant.now().plus(DEADLINE);
        long last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = node.count("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                    + " WHERE c.relname = 'apply_gate' AND l.database = (SELECT oid FROM pg_database"
                    + " WHERE datname = current_database()) AND NOT l.granted");
            if (last == count) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("expected " + count + " session(s) waiting for the apply gate within " + DEADLINE
                + "; last seen: " + last);
    }
}
