package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncSetupException;
import dev.peersync.core.store.SyncStore;
import dev.peersync.core.store.UniqueCollisionPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InstallIT {
    @RegisterExtension
    final PostgresExtension pg = PostgresExtension.perMethod();

    private DataSource schema() {
        DataSource ds = pg.database().dataSource();
        Jdbi.create(ds).useHandle(h -> h.createScript(TestNode.SCHEMA).execute());
        return ds;
    }

    @Test
    void install_twice_keeps_the_node_id_and_one_set_of_triggers() {
        DataSource ds = schema();
        SyncStore first = PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES));
        SyncStore second = PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES));
        assertThat(second.nodeId()).isEqualTo(first.nodeId());
        assertThat(second.schemaShape()).isEqualTo(first.schemaShape());
        long triggers = Jdbi.create(ds).withHandle(h -> h.createQuery(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'users'::regclass AND NOT tgisinternal")
                .mapTo(Long.class).one());
        assertThat(triggers).as("insert, update, delete and truncate").isEqualTo(4);
    }

    @Test
    void concurrent_installs_all_succeed_with_one_node_id() throws Exception {
        DataSource ds = schema();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<NodeId>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES)).nodeId();
                }));
            }
            start.countDown();
            NodeId first = results.get(0).get(60, TimeUnit.SECONDS);
            for (Future<NodeId> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_restart_while_a_local_writer_is_inside_its_transaction_waits_for_it_and_both_succeed() throws Exception {
        DataSource ds = schema();
        NodeId node = PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES)).nodeId();
        Jdbi jdbi = Jdbi.create(ds);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (org.jdbi.v3.core.Handle writer = jdbi.open()) {
            writer.begin();
            // A writer that has taken its table and not yet reached the capture trigger's metadata table.
            writer.execute("LOCK TABLE users IN ROW EXCLUSIVE MODE");
            Future<NodeId> restart = pool.submit(() -> PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES)).nodeId());
            Await.until("the restart's install to wait for the writer's lock", java.time.Duration.ofSeconds(30),
                    () -> jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND wait_event_type = 'Lock'").mapTo(Long.class).one()),
                    waiting -> waiting == 1);
            writer.execute("INSERT INTO users VALUES (gen_random_uuid(), 'mid-restart', now())");
            writer.commit();
            assertThat(restart.get(60, TimeUnit.SECONDS)).isEqualTo(node);
        } finally {
            pool.shutdownNow();
        }
        SyncStore store = PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES));
        assertThat(store.readChanges(NodeId.random(), new PullRequest(List.of("users"), "", 100)).changes()).hasSize(1);
    }

    @Test
    void missing_tables_views_and_tables_without_primary_key_are_rejected_and_nothing_is_installed() {
        DataSource ds = schema();
        Jdbi jdbi = Jdbi.create(ds);
        jdbi.useHandle(h -> h.createScript("CREATE TABLE logbook (line text); CREATE VIEW user_names AS SELECT username FROM users").execute());
        assertThatThrownBy(() -> PgSyncStore.install(ds, StoreSettings.of(List.of("users", "no_such_table"))))
                .isInstanceOf(SyncSetupException.class)
                .hasMessageContaining("table 'no_such_table' does not exist");
        assertThatThrownBy(() -> PgSyncStore.install(ds, StoreSettings.of(List.of("logbook"))))
                .isInstanceOf(SyncSetupException.class)
                .hasMessageContaining("table 'logbook' has no primary key");
        assertThatThrownBy(() -> PgSyncStore.install(ds, StoreSettings.of(List.of("user_names"))))
                .isInstanceOf(SyncSetupException.class)
                .hasMessageContaining("'user_names' is not a table");
        assertThatThrownBy(() -> PgSyncStore.install(ds, StoreSettings.of(List.of("users; DROP TABLE users"))))
                .isInstanceOf(SyncSetupException.class)
                .hasMessageContaining("is not a valid table name");
        boolean installed = jdbi.withHandle(h -> h.createQuery("SELECT to_regnamespace('peersync') IS NOT NULL")
                .mapTo(Boolean.class).one());
        assertThat(installed).isFalse();
    }

    @Test
    void a_different_bucket_count_after_install_is_rejected() {
        DataSource ds = schema();
        PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES));
        assertThatThrownBy(() -> PgSyncStore.install(ds, StoreSettings.builder(TestNode.TABLES).bucketCount(64).build()))
                .isInstanceOf(SyncSetupException.class)
                .hasMessageContaining("bucketCount is fixed");
    }

    @Test
    void a_unique_collision_policy_must_name_a_unique_constraint_and_a_boolean_flag() {
        DataSource ds = schema();
        assertThatThrownBy(() -> PgSyncStore.install(ds, StoreSettings.builder(TestNode.TABLES)
                .uniquePolicy(UniqueCollisionPolicy.rename("users", "users_nope_key", null)).build()))
                .isInstanceOf(SyncSetupException.class).hasMessageContaining("users_nope_key is not a unique constraint");
        assertThatThrownBy(() -> PgSyncStore.install(ds, StoreSettings.builder(TestNode.TABLES)
                .uniquePolicy(UniqueCollisionPolicy.rename("users", "users_username_key", "username")).build()))
                .isInstanceOf(SyncSetupException.class).hasMessageContaining("flag column username is not a boolean");
        assertThatThrownBy(() -> StoreSettings.builder(TestNode.TABLES)
                .uniquePolicy(UniqueCollisionPolicy.park("orders", "orders_no_key")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not synced: orders");
        PgSyncStore.install(ds, StoreSettings.builder(TestNode.TABLES)
                .uniquePolicy(UniqueCollisionPolicy.rename("users", "users_username_key", null)).build());
    }

    @Test
    void rows_written_before_install_enter_the_feed() {
        DataSource ds = schema();
        Jdbi.create(ds).useHandle(h -> h.execute(
                "INSERT INTO users SELECT gen_random_uuid(), 'user' || g, now() FROM generate_series(1, 25) g"));
        SyncStore store = PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES));
        ChangeBatch batch = store.readChanges(NodeId.random(), new PullRequest(List.of("users"), "", 100));
        assertThat(batch.changes()).hasSize(25).allSatisfy(c -> assertThat(c.origin()).isEqualTo(store.nodeId()));
        assertThat(store.digest("users").rowCount()).isEqualTo(25);
    }

    @Test
    void the_installation_never_changes_application_tables() {
        DataSource ds = schema();
        Jdbi jdbi = Jdbi.create(ds);
        String columnsBefore = columns(jdbi);
        PgSyncStore.install(ds, StoreSettings.of(TestNode.TABLES));
        assertThat(columns(jdbi)).isEqualTo(columnsBefore);
    }

    private static String columns(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT string_agg(table_name || '.' || column_name || ' ' || data_type,"
                + " ',' ORDER BY table_name, ordinal_position) FROM information_schema.columns WHERE table_schema = 'public'")
                .mapTo(String.class).one());
    }
}
