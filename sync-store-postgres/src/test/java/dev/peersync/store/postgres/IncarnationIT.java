package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncStore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18, item 6, at the store: a database whose metadata holds transaction ids its cluster has not reached (what
 * pg_restore into a fresh cluster leaves) takes a new id at install; a clone is given one on request. The end-to-end
 * restore with pg_dump/pg_restore runs on real nodes in integration-tests (RestoreIT).
 */
class IncarnationIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void a_database_restored_into_another_cluster_takes_a_new_id_and_keeps_every_row_in_its_feed() {
        TestNode a = nodes.create("inc_a");
        TestNode b = nodes.create("inc_b");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'user' || g, now() FROM generate_series(1, 3) g");
        b.pullFrom(a);
        a.sql("DELETE FROM users WHERE username = 'user3'"); // a tombstone b has not acknowledged yet
        NodeId old = a.id();
        // The ids the old cluster had handed out, beyond what this one has reached: a restore into a fresh cluster.
        a.sql("UPDATE peersync.m_users SET _tx = (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000)"
                + "::text::xid8");

        SyncStore restored = PgSyncStore.install(a.dataSource, StoreSettings.of(TestNode.TABLES));

        assertThat(restored.nodeId()).isNotEqualTo(old);
        assertThat(restored.predecessor()).contains(old);
        assertThat(a.count("SELECT count(*) FROM peersync.m_users WHERE _tx <> '3'::xid8"))
                .as("no metadata row left with an id this cluster has not reached").isZero();
        assertThat(a.rows("SELECT acked::text AS acked FROM peersync.peer_ack"))
                .as("what peers acknowledged of the old feed is forgotten").isNotEmpty()
                .allSatisfy(r -> assertThat(r.get("acked")).isEqualTo("1:1:"));
        a.sql("INSERT INTO users VALUES (gen_random_uuid(), 'after-restore', now())");
        ChangeBatch all = restored.readChanges(b.id(), new PullRequest(List.of("users"), "", 100));
        assertThat(all.changes()).hasSize(4);
        assertThat(all.changes().stream().filter(c -> c.origin().equals(restored.nodeId())).map(RowChange::pk))
                .as("the new write carries the new id").hasSize(1);
        assertThat(all.changes().stream().filter(c -> c.origin().equals(old))).hasSize(3);
        assertThat(PgSyncStore.install(a.dataSource, StoreSettings.of(TestNode.TABLES)).nodeId())
                .as("a later start keeps the new id").isEqualTo(restored.nodeId());
    }

    @Test
    void a_new_identity_on_request_changes_the_id_and_what_capture_writes_but_not_the_rows() {
        TestNode a = nodes.create("inc_clone");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'user' || g, now() FROM generate_series(1, 3) g");
        NodeId original = a.id();
        String before = a.content();

        NodeId clone = PgSyncStore.newIdentity(a.dataSource, StoreSettings.of(TestNode.TABLES));

        assertThat(clone).isNotEqualTo(original);
        SyncStore store = PgSyncStore.install(a.dataSource, StoreSettings.of(TestNode.TABLES));
        assertThat(store.nodeId()).isEqualTo(clone);
        assertThat(store.predecessor()).contains(original);
        assertThat(a.content()).isEqualTo(before);
        a.sql("UPDATE users SET username = 'renamed' WHERE username = 'user1'");
        assertThat(a.count("SELECT count(*) FROM peersync.m_users WHERE _origin = '" + clone + "'")).isEqualTo(1);
    }
}
