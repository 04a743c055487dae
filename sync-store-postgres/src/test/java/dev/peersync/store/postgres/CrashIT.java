package dev.peersync.store.postgres;

import dev.peersync.core.store.ApplyResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.SyncException;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

class CrashIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void a_backend_killed_mid_apply_leaves_nothing_and_the_batch_applies_cleanly_again() throws Exception {
        TestNode a = nodes.create("crash_a");
        TestNode b = nodes.create("crash_b");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 300) g");
        a.sql("INSERT INTO products SELECT gen_random_uuid(), 'p' || g, g, NULL, NULL FROM generate_series(1, 300) g");
        ChangeBatch batch = a.store.readChanges(b.id(), new PullRequest(a.store.tables(), "", 5000));
        assertThat(batch.changes()).hasSize(600);

        try (Connection blocker = b.dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                // The apply writes application rows first, then metadata, whose digest trigger needs this table:
                // the apply stops half-way, holding its uncommitted data rows.
                st.execute("LOCK TABLE peersync.digest_delta IN EXCLUSIVE MODE");
            }
            CompletableFuture<ApplyResult> apply = CompletableFuture.supplyAsync(
                    () -> b.store.applyBatch(a.id(), batch.changes(), batch.nextCursor()));
            int pid = b.awaitLockWaiter();
            b.sql("SELECT pg_terminate_backend(?)", pid);
            assertThatThrownBy(() -> apply.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SyncException.class);
            blocker.rollback();
        }
        assertThat(b.count("SELECT count(*) FROM users")).isZero();
        assertThat(b.count("SELECT count(*) FROM peersync.m_users")).isZero();
        assertThat(b.store.cursor(a.id())).isEmpty();

        ApplyResult again = b.store.applyBatch(a.id(), batch.changes(), batch.nextCursor());
        assertThat(again.applied()).isEqualTo(600);
        assertThat(b.store.cursor(a.id())).isEqualTo(batch.nextCursor());
        assertThat(b.pullFrom(a)).isZero();
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.count("SELECT count(*) FROM peersync.m_users")).isEqualTo(300);
        assertThat(b.digests()).isEqualTo(a.digests());
    }
}
