package dev.peersync.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peersync.core.engine.EngineSettings;
import dev.peersync.core.engine.SyncEngine;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.store.postgres.PgSyncStore;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncStore;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two sync engines on real databases syncing through the real Netty transport on loopback. */
class EngineOverNettyIT {
    private static final List<String> TABLES = List.of("users", "posts");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    record Node(HikariDataSource ds, SyncStore store, SyncEngine engine, NettyPeerTransport transport, int port) {
    }

    private Node start(String name, byte[] secret) throws SQLException {
        TestDatabase db = PostgresServer.shared().createDatabase("netty_engine_" + name);
        cleanup.add(db::drop);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(6);
        HikariDataSource ds = new HikariDataSource(config);
        cleanup.add(ds);
        execute(ds, """
                create table users (id uuid primary key, username text not null unique);
                create table posts (id uuid primary key, user_id uuid references users(id) on delete cascade, body text);
                """);
        SyncStore store = PgSyncStore.install(ds, StoreSettings.of(TABLES));
        NettyPeerTransport transport = new NettyPeerTransport(NettyTransportSettings.builder("it")
                .bindHost("127.0.0.1").port(0).clusterSecret(secret).build());
        PeerDirectory directory = new PeerDirectory(store.nodeId(), Duration.ofSeconds(5), Duration.ofSeconds(20),
                Clock.systemUTC());
        SyncEngine engine = new SyncEngine(store, transport, directory,
                EngineSettings.builder(name).clusterId("it").syncInterval(Duration.ofSeconds(30)).build(),
                Clock.systemUTC());
        cleanup.add(engine);
        int port = engine.start().getPort();
        return new Node(ds, store, engine, transport, port);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void peer_added_on_one_side_syncs_both_ways_with_a_cluster_secret() throws Exception {
        byte[] secret = "a-shared-cluster-secret-for-tests".getBytes(StandardCharsets.UTF_8);
        Node a = start("a", secret);
        Node b = start("b", secret);
        a.engine().directory().observe(new PeerSighting(b.store().nodeId(), "b", "127.0.0.1", 0, b.port(), "",
                PeerOrigin.MANUAL));

        execute(a.ds(), "insert into users values ('00000000-0000-0000-0000-00000000000a', 'from-a')");
        Await.untilEquals("a's user on b", WAIT, () -> query(b.ds(), "select username from users"), List.of("from-a"));

        // b never had a added by hand: it learned a from the inbound, authenticated connection.
        execute(b.ds(), "insert into posts values (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', 'hi')");
        Await.untilEquals("b's post on a", WAIT, () -> query(a.ds(), "select body from posts"), List.of("hi"));
        assertThat(a.transport().authenticated()).isTrue();
        for (String table : TABLES) {
            Await.untilEquals(table + " digests equal", WAIT, () -> b.store().digest(table).rootHash(),
                    a.store().digest(table).rootHash());
        }
    }

    @Test
    void wrong_secret_is_refused_and_nothing_is_applied() throws Exception {
        Node a = start("a", "the-first-cluster-secret-0123456789".getBytes(StandardCharsets.UTF_8));
        Node b = start("b", "another-cluster-secret-9876543210".getBytes(StandardCharsets.UTF_8));
        a.engine().directory().observe(new PeerSighting(b.store().nodeId(), "b", "127.0.0.1", 0, b.port(), "",
                PeerOrigin.MANUAL));
        execute(b.ds(), "insert into users values (gen_random_uuid(), 'secret-b')");
        a.engine().triggerSync();
        Await.until("a to count a failed proof", WAIT, () -> a.transport().stats().authFailures(), n -> n >= 1);
        Await.until("a's sync round with b to fail", WAIT, () -> a.engine().status().peers().get(0).lastError(),
                error -> error != null);
        assertThat(query(a.ds(), "select count(*) from users")).containsExactly("0");
    }

    private static void execute(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> query(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
