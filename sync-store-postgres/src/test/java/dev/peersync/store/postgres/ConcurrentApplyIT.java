package dev.peersync.store.postgres;

import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.ApplyTransaction;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.UniqueCollisionPolicy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.RowChange;
import dev.peersync.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Applies of different peers run at the same time: one that is open does not hold back another on other keys, and
 * on a key they share the second waits for the first and then decides by the merge rule against its committed
 * version, so data and metadata always agree.
 */
class ConcurrentApplyIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private static RowChange user(UUID id, String name, long hlc, NodeId origin) {
        return new RowChange("users", "[\"" + id + "\"]", hlc, origin, false,
                "{\"id\":\"" + id + "\",\"username\":\"" + name + "\",\"created_at\":\"2026-01-01T00:00:00+00:00\"}");
    }

    @Test
    void an_open_apply_holds_back_another_peer_only_on_the_keys_they_share() throws Exception {
        TestNode c = nodes.create("concurrent");
        NodeId x = NodeId.random();
        NodeId y = NodeId.random();
        UUID onlyX = UUID.randomUUID();
        UUID onlyY = UUID.randomUUID();
        UUID sharedHigher = UUID.randomUUID();
        UUID sharedLower = UUID.randomUUID();
        long now = System.currentTimeMillis() << 16;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ApplyTransaction open = c.store.beginApply(x)) {
            open.apply(List.of(user(onlyX, "x-only", now + 10, x), user(sharedHigher, "x-shared-1", now + 10, x),
                    user(sharedLower, "x-shared-2", now + 10, x)));

            // Other keys: applied and committed while x's transaction is still open.
            ApplyResult other = pool.submit(() -> c.store.applyBatch(y, List.of(user(onlyY, "y-only", now + 20, y)), ""))
                    .get(20, TimeUnit.SECONDS);
            assertThat(other.applied()).isEqualTo(1);
            assertThat(c.count("SELECT count(*) FROM users WHERE id = '" + onlyY + "'")).isEqualTo(1);

            // Shared keys: y waits for x's claim on them, then classifies against x's committed versions.
            Future<ApplyResult> shared = pool.submit(() -> c.store.applyBatch(y, List.of(
                    user(sharedHigher, "y-shared-1", now + 20, y), user(sharedLower, "y-shared-2", now + 5, y)), ""));
            Await.until("y's apply waiting for a lock held by x's open transaction", Duration.ofSeconds(20),
                    () -> c.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND wait_event_type = 'Lock'"), n -> n >= 1);
            assertThat(shared).isNotDone();
            open.commit("");
            ApplyResult result = shared.get(20, TimeUnit.SECONDS);
            assertThat(result.applied()).isEqualTo(1);
            assertThat(result.skipped()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(c.rows("SELECT username FROM users ORDER BY username")).extracting(r -> r.get("username"))
                .containsExactly("x-only", "x-shared-2", "y-only", "y-shared-1");
        // The metadata says the same as the data: the winning version of each key.
        List<Map<String, Object>> meta = c.rows("SELECT u.username, m._hlc, m._origin FROM users u"
                + " JOIN peersync.m_users m ON m.id = u.id ORDER BY u.username");
        assertThat(meta).extracting(r -> r.get("_hlc")).containsExactly(now + 10, now + 10, now + 20, now + 20);
        assertThat(meta).extracting(r -> new NodeId((UUID) r.get("_origin"))).containsExactly(x, x, y, y);
        assertThat(c.count("SELECT count(*) FROM peersync.m_users")).isEqualTo(4);
    }

    @Test
    void a_new_key_that_loses_a_unique_collision_in_its_own_batch_is_renamed_as_a_local_write() {
        TestNode c = nodes.create("claim_collision", StoreSettings.builder(TestNode.TABLES)
                .uniquePolicy(UniqueCollisionPolicy.rename("users", "users_username_key", null)).build(), TestNode.SCHEMA);
        NodeId x = NodeId.random();
        UUID later = UUID.randomUUID();
        UUID earlier = UUID.randomUUID();
        long now = System.currentTimeMillis() << 16;
        // Both keys are new here and claimed by the apply; the later version is written first, then gives the value up.
        ApplyResult result = c.store.applyBatch(x, List.of(user(later, "same", now + 20, x),
                user(earlier, "same", now + 10, x)), "");
        assertThat(result.applied()).isEqualTo(1);
        assertThat(c.rows("SELECT id, username FROM users ORDER BY username")).extracting(r -> r.get("id"))
                .containsExactly(earlier, later);
        assertThat(c.rows("SELECT username FROM users WHERE id = '" + later + "'").get(0).get("username").toString())
                .matches("twin-[0-9a-f]{6}-same");
        // The rename's version must stay (the claim is not released under it), or the value would never be given up
        // on the nodes that hold the later row. It is the rename's deterministic version (RenameVersions): the same
        // hlc as the renamed value had, the resolution's origin, so it beats that value and nothing written later.
        Map<String, Object> loser = c.rows("SELECT _deleted, _origin, _cv::text AS cv FROM peersync.m_users WHERE id = '"
                + later + "'").get(0);
        assertThat(loser.get("_deleted")).isEqualTo(false);
        assertThat(loser.get("_origin")).isEqualTo(NodeId.RESOLUTION.value());
        assertThat(c.count("SELECT _hlc FROM peersync.m_users WHERE id = '" + later + "'")).isEqualTo(now + 20);
        assertThat(loser.get("cv").toString()).as("its other columns keep the incoming version")
                .contains("created_at").contains(Long.toString(now + 20));
        assertThat(c.count("SELECT _hlc FROM peersync.m_users WHERE id = '" + earlier + "'")).isEqualTo(now + 10);
    }
}
