package dev.peersync.it.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.it.fixture.ClusterOptions;
import dev.peersync.testing.Await;
import dev.peersync.testing.LocalPgCluster;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18, item 6: backup and restore, and a clone, on real nodes.
 *
 * <p>Restore: node 3's database lives in a PostgreSQL cluster of its own; it is backed up with {@code pg_dump}, node 3
 * writes more, dies with its database, and is restored with {@code pg_restore} into a fresh cluster, whose transaction
 * ids start again lower than the old one's. Under its old id, its new writes would get ids that its peers' cursors have
 * passed, and reach them only through the periodic anti-entropy (a minute). It must take a new id, get back at once the
 * writes it made after the backup, and its new writes must reach both peers within seconds.
 *
 * <p>Clone: a copy of node 2's database, given a new id by {@code --new-identity}, joins as a fourth node.
 */
class RestoreIT {
    /** Well below the periodic anti-entropy (60 s): only the feed brings rows this fast. */
    private static final Duration SECONDS = Duration.ofSeconds(20);

    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.of(ClusterOptions.builder().nodes(2));

    @Test
    void a_node_restored_by_pg_restore_into_a_fresh_cluster_gets_back_its_later_writes_and_its_new_writes_reach_every_peer()
            throws Exception {
        LocalPgCluster.require();
        Cluster cluster = nodes.cluster();
        try (LocalPgCluster old = LocalPgCluster.start("old"); LocalPgCluster fresh = LocalPgCluster.start("fresh")) {
            consumeTransactionIds(old, 3000); // the old cluster had run for a while before the backup
            TestDatabase database = old.createDatabase("it_restore_" + ProcessHandle.current().pid());
            ClusterNode node3 = cluster.addNode(database);
            try {
                categories(cluster.node(1), "before-backup-1", 3);
                categories(node3, "before-backup-3", 3);
                cluster.awaitConvergence(Scenarios.CONVERGE);
                Path dump = Files.createTempFile("node3-", ".dump");
                old.dump(database.name(), dump);
                String oldId = node3.nodeId();

                categories(node3, "after-backup", 5);
                for (ClusterNode peer : List.of(cluster.node(1), cluster.node(2))) {
                    awaitCategories(peer, "after-backup", 5);
                }
                node3.kill(); // and its database is lost: restored from the backup into a new cluster
                TestDatabase restored = fresh.createDatabase(database.name());
                fresh.restore(dump, restored.name());
                node3.restartOn(restored);
                cluster.introduce(node3);

                awaitCategories(node3, "after-backup", 5);
                categories(node3, "after-restore", 5);
                for (ClusterNode peer : List.of(cluster.node(1), cluster.node(2))) {
                    awaitCategories(peer, "after-restore", 5);
                }
                cluster.awaitConvergence(Scenarios.CONVERGE);
                assertThat(node3.nodeId()).as("a database restored into another cluster takes a new id")
                        .isNotEqualTo(oldId);
            } finally {
                cluster.retire(node3);
            }
        }
    }

    @Test
    void a_node_restored_from_a_base_backup_gets_back_its_later_writes_and_its_new_writes_reach_every_peer() {
        LocalPgCluster.require();
        Cluster cluster = nodes.cluster();
        try (LocalPgCluster old = LocalPgCluster.start("live")) {
            TestDatabase database = old.createDatabase("it_base_" + ProcessHandle.current().pid());
            ClusterNode node = cluster.addNode(database);
            categories(node, "before-base-backup", 3);
            cluster.awaitConvergence(Scenarios.CONVERGE);
            try (LocalPgCluster backup = old.baseBackup("base")) {
                String id = node.nodeId();
                try {
                    consumeTransactionIds(old, 300); // the node ran on after its backup...
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                categories(node, "after-base-backup", 5); // ...and its peers' cursors followed it
                for (ClusterNode peer : List.of(cluster.node(1), cluster.node(2))) {
                    awaitCategories(peer, "after-base-backup", 5);
                }
                node.kill();
                old.close(); // its database is lost: the backup is started in its place
                node.restartOn(new TestDatabase(database.name(), backup.restored().url(database.name()), "postgres", ""));
                try {
                    awaitCategories(node, "after-base-backup", 5);
                    categories(node, "after-base-restore", 5);
                    for (ClusterNode peer : List.of(cluster.node(1), cluster.node(2))) {
                        awaitCategories(peer, "after-base-restore", 5);
                    }
                    cluster.awaitConvergence(Scenarios.CONVERGE);
                    assertThat(node.nodeId()).as("a physical restore keeps the id").isEqualTo(id);
                } finally {
                    cluster.retire(node);
                }
            }
        }
    }

    @Test
    void a_clone_given_a_new_identity_joins_as_a_new_node() {
        Cluster cluster = nodes.cluster();
        ClusterNode node2 = cluster.node(2);
        categories(cluster.node(1), "before-clone", 3);
        awaitCategories(node2, "before-clone", 3);
        node2.stop(); // a database is copied while its node is stopped (CREATE DATABASE ... TEMPLATE needs it idle)
        TestDatabase copy = PostgresServer.shared().createDatabase("it_clone");
        PostgresServer.shared().dropDatabase(copy.name());
        try (Connection c = PostgresServer.shared().adminDataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + copy.name() + " TEMPLATE " + node2.database().name());
        } catch (java.sql.SQLException e) {
            throw new AssertionError("could not copy node2's database: " + e.getMessage(), e);
        }
        cluster.restart(node2);

        String output = node2.runCommand(Map.of("DATABASE_URL", ClusterNode.databaseUrl(copy)), "--new-identity");
        ClusterNode clone = cluster.addNode(copy);

        assertThat(output).contains("now has node id " + clone.nodeId());
        assertThat(clone.nodeId()).isNotEqualTo(node2.nodeId());
        categories(clone, "from-clone", 4);
        for (ClusterNode peer : List.of(cluster.node(1), node2)) {
            awaitCategories(peer, "from-clone", 4);
        }
        categories(cluster.node(1), "to-clone", 2);
        awaitCategories(clone, "to-clone", 2);
        cluster.awaitConvergence(Scenarios.CONVERGE);
    }

    private static void categories(ClusterNode node, String prefix, int count) {
        node.execute("INSERT INTO categories (id, name, created_at, updated_at) SELECT gen_random_uuid(), '" + prefix
                + "-' || g, now(), now() FROM generate_series(1, " + count + ") g");
    }

    private static void awaitCategories(ClusterNode node, String prefix, int count) {
        Await.until(node.name() + " to hold the " + count + " categories " + prefix + "-*", SECONDS,
                () -> Long.parseLong(node.column("SELECT count(*) FROM categories WHERE name LIKE '" + prefix + "-%'")
                        .get(0)), n -> n == count);
    }

    private static void consumeTransactionIds(LocalPgCluster cluster, int count) throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                s.execute("SELECT pg_current_xact_id()");
            }
        }
    }
}
