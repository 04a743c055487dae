package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.PullRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** What a commit tells the engine: the payload of the change notification names its cause. */
class CommitNotificationIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void a_local_write_notifies_with_an_empty_payload_and_an_applied_batch_names_its_peer() throws Exception {
        TestNode a = nodes.create("notify_a");
        TestNode b = nodes.create("notify_b");
        try (Connection listener = b.dataSource.getConnection()) {
            listen(listener);
            b.sql("INSERT INTO users (id, username, created_at) VALUES (gen_random_uuid(), 'local', now())");
            assertThat(payloads(listener)).containsExactly("");

            a.sql("INSERT INTO users (id, username, created_at) VALUES (gen_random_uuid(), 'remote', now())");
            var batch = a.store.readChanges(b.store.nodeId(), new PullRequest(a.store.tables(), "", 100));
            b.store.applyBatch(a.store.nodeId(), batch.changes(), batch.nextCursor());
            assertThat(payloads(listener)).containsExactly(a.store.nodeId().value().toString());

            // Applying it again changes nothing, so nobody is told.
            b.store.applyRows(a.store.nodeId(), batch.changes());
            b.sql("INSERT INTO users (id, username, created_at) VALUES (gen_random_uuid(), 'marker', now())");
            assertThat(payloads(listener)).containsExactly("");
        }
    }

    private static void listen(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN peersync_changes"); // the channel other clients may listen to as well (docs/sync-core.md)
        }
    }

    /** The notifications delivered so far (each commit's arrive before the committing call returns). */
    private static List<String> payloads(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(2_000);
        while (got != null && got.length > 0) {
            for (PGNotification n : got) {
                out.add(n.getParameter());
            }
            got = c.unwrap(PGConnection.class).getNotifications(1);
        }
        return out;
    }
}
