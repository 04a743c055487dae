package dev.peersync.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.store.SyncSetupException;
import dev.peersync.testing.Await;
import dev.peersync.testing.FreePorts;
import dev.peersync.testing.TestResources;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The facade on real databases and real sockets: what an embedder gets from a few lines. */
class PeerSyncIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String SECRET = "peersync-facade-test-secret-32-bytes-or-more";
    private static final String NOTES = "CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private DataSource database(String name, String ddl) {
        DataSource db = resources.database(name).dataSource();
        sql(db, ddl);
        return db;
    }

    private PeerSync started(PeerSync.Builder builder) {
        return resources.closeAfter(builder.start());
    }

    @Test
    void a_peer_known_by_address_only_that_starts_later_is_connected_and_rows_flow_both_ways() {
        DataSource a = database("facade_a", NOTES);
        DataSource b = database("facade_b", NOTES);
        int portA = FreePorts.tcp();
        // b starts first and names a, which is not listening yet: b keeps asking until a answers.
        PeerSync syncB = started(PeerSync.builder(b).tables("notes").clusterSecret(SECRET).bindHost("127.0.0.1")
                .p2pPort(0).nodeName("b").peer("127.0.0.1:" + portA));
        PeerSync syncA = started(PeerSync.builder(a).tables("notes").clusterSecret(SECRET).bindHost("127.0.0.1")
                .p2pPort(portA).nodeName("a"));

        sql(a, "INSERT INTO notes VALUES (1, 'written on a')");
        Await.untilEquals("a's note on b", DEADLINE, () -> bodies(b), List.of("written on a"));
        sql(b, "INSERT INTO notes VALUES (2, 'written on b')");
        Await.untilEquals("b's note on a", DEADLINE, () -> bodies(a), List.of("written on a", "written on b"));

        assertThat(syncB.status().peers()).extracting(p -> p.nodeId()).containsExactly(syncA.nodeId());
        assertThat(syncA.p2pAddress().getPort()).isEqualTo(portA);
    }

    @Test
    void without_a_cluster_secret_the_p2p_port_serves_this_host_only() {
        PeerSync sync = started(PeerSync.builder(database("facade_protected", NOTES)).tables("notes").p2pPort(0));
        assertThat(sync.p2pAddress().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void a_wrong_configuration_is_refused_before_anything_starts_or_is_installed() {
        DataSource db = database("facade_refused", NOTES);
        assertThatThrownBy(() -> PeerSync.builder(db).peer("no-port-here"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> PeerSync.builder(db).clusterSecret("short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> PeerSync.builder(db).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tables(");
        int port = FreePorts.tcp();
        assertThatThrownBy(() -> PeerSync.builder(db).tables("notes", "no_such_table").p2pPort(port).start())
                .isInstanceOf(SyncSetupException.class).hasMessageContaining("no_such_table");
        assertThat(query(db, "SELECT count(*)::text FROM pg_namespace WHERE nspname = 'peersync'"))
                .containsExactly("0");
    }

    private static List<String> bodies(DataSource ds) {
        return query(ds, "SELECT body FROM notes ORDER BY id");
    }

    private static void sql(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> query(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
