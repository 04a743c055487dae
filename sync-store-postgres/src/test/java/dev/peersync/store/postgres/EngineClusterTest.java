package dev.peersync.store.postgres;

import dev.peersync.core.engine.EngineSettings;
import dev.peersync.core.engine.SyncEngine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.store.OriginCounts;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import dev.peersync.core.spi.VersionsRequest;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.PeerTransport;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three engines, three real databases, an in-process network the test can cut: convergence after faults. */
class EngineClusterTest {
    private static final List<String> TABLES = List.of("users", "posts");
    private static final String SCHEMA = """
            create table users (id uuid primary key, username text not null unique, email text,
                                updated_at timestamptz not null default clock_timestamp());
            create table posts (id uuid primary key, user_id uuid not null references users(id) on delete cascade,
                                body text, score numeric(10,2), tags text[]);
            """;

    private final InProcessNetwork network = new InProcessNetwork();
    private final List<Node> nodes = new ArrayList<>();

    record Node(TestDatabase db, HikariDataSource ds, SyncStore store, SyncEngine engine, PeerDirectory directory,
                int port, List<SyncEvent> events, PeerTransport transport) {
    }

    private static HikariDataSource pool(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(6);
        return new HikariDataSource(config);
    }

    private Node startNode(String name) throws SQLException {
        return startNode(name, Duration.ofSeconds(3));
    }

    private Node startNode(String name, Duration antiEntropyInterval) throws SQLException {
        TestDatabase db = PostgresServer.shared().createDatabase("engine_" + name);
        HikariDataSource ds = pool(db);
        execute(ds, SCHEMA);
        SyncStore store = PgSyncStore.install(ds, StoreSettings.of(TABLES));
        PeerDirectory directory = new PeerDirectory(store.nodeId(), Duration.ofSeconds(5), Duration.ofSeconds(20),
                Clock.systemUTC());
        var transport = network.newTransport();
        EngineSettings settings = EngineSettings.builder(name)
                .syncInterval(Duration.ofSeconds(2))
                .antiEntropyInterval(antiEntropyInterval)
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        SyncEngine engine = new SyncEngine(store, transport, directory, settings, Clock.systemUTC());
        List<SyncEvent> events = new CopyOnWriteArrayList<>();
        engine.addListener(events::add);
        int port = engine.start().getPort();
        Node node = new Node(db, ds, store, engine, directory, port, events, transport);
        nodes.add(node);
        return node;
    }

    private static void introduce(Node a, Node b) {
        a.directory().observe(new PeerSighting(b.store().nodeId(), "peer", InProcessNetwork.HOST, 0, b.port(), "",
                PeerOrigin.MANUAL));
    }

    private void fullMesh() {
        for (Node a : nodes) {
            for (Node b : nodes) {
                if (a != b) {
                    introduce(a, b);
                }
            }
        }
    }

    @AfterEach
    void stop() {
        for (Node node : nodes) {
            node.engine().close();
        }
        network.close();
        for (Node node : nodes) {
            node.ds().close();
            node.db().drop();
        }
    }

    /** The request table is whole: a node answers every type of {@link PeerRequest}, none is left unserved. */
    @Test
    void every_request_type_of_the_table_is_answered_by_a_node() throws Exception {
        Node a = startNode("a");
        Node b = startNode("b");
        execute(a.ds(), "insert into users (id, username) values (gen_random_uuid(), 'ann')");
        PeerClient client = b.transport().client(new PeerAddress(InProcessNetwork.HOST, a.port()));
        ChangeBatch batch = client.call(new PullRequest(TABLES, "", 10)).get(10, TimeUnit.SECONDS);
        String pk = batch.changes().get(0).pk();
        List<Long> buckets = client.call(new PeerRequest.BucketHashes("users")).get(10, TimeUnit.SECONDS);
        DigestRange filled = DigestRange.bucket(java.util.stream.IntStream.range(0, buckets.size())
                .filter(i -> buckets.get(i) != 0).findFirst().orElseThrow());
        Map<Class<?>, PeerRequest<?>> samples = Map.of(
                PullRequest.class, new PullRequest(TABLES, "", 10),
                SnapshotRequest.class, new SnapshotRequest("users", List.of("id", "username"), "", 10),
                PeerRequest.Digest.class, new PeerRequest.Digest("users"),
                PeerRequest.BucketHashes.class, new PeerRequest.BucketHashes("users"),
                PeerRequest.RangeDigests.class, new PeerRequest.RangeDigests("users", List.of(filled)),
                PeerRequest.RangeVersions.class, new PeerRequest.RangeVersions("users",
                        new VersionsRequest(List.of(filled), List.of(), "", 10)),
                PeerRequest.FetchRows.class, new PeerRequest.FetchRows("users", List.of(pk)));
        assertThat(samples.keySet()).as("a sample of every request type")
                .containsExactlyInAnyOrder(PeerRequest.class.getPermittedSubclasses());
        for (PeerRequest<?> sample : samples.values()) {
            assertThat((Object) client.call(sample).get(10, TimeUnit.SECONDS)).as("answer to %s", sample).isNotNull();
        }
        assertThat(client.fetchRows("users", List.of(pk)).get(10, TimeUnit.SECONDS)).singleElement()
                .satisfies(row -> assertThat(row.data()).contains("ann"));
    }

    @Test
    void insert_on_one_node_reaches_the_others_without_waiting_for_the_interval() throws Exception {
        Node a = startNode("a");
        Node b = startNode("b");
        Node c = startNode("c");
        fullMesh();
        UUID id = UUID.randomUUID();
        execute(a.ds(), "insert into users(id, username) values ('" + id + "', 'alice')");
        for (Node n : List.of(b, c)) {
            Await.untilEquals("user on " + n.engine().settings().nodeName(), Duration.ofSeconds(10),
                    () -> query(n.ds(), "select username from users where id = '" + id + "'"), List.of("alice"));
        }
        // The event follows the apply's commit, so the row can be visible a moment before the event is published.
        Await.until("users TableSynced event on b", Duration.ofSeconds(5), () -> List.copyOf(b.events()),
                events -> events.stream().anyMatch(e -> e instanceof SyncEvent.TableSynced t
                        && t.table().equals("users")));
    }

    @Test
    void an_empty_node_joins_by_snapshot_then_follows_the_feed() throws Exception {
        Node a = startNode("a");
        execute(a.ds(), "insert into users(id, username) select gen_random_uuid(), 'user' || g from generate_series(1, 3000) g");
        execute(a.ds(), "insert into posts(id, user_id, body, tags) select gen_random_uuid(), id, E'p\\t\\n', array['a'] from users");
        execute(a.ds(), "delete from users where id in (select id from users order by id limit 10)");
        long versions = Long.parseLong(query(a.ds(), "select (select count(*) from peersync.m_users)"
                + " + (select count(*) from peersync.m_posts)").get(0));
        Node b = startNode("b");
        fullMesh();
        awaitConverged(Duration.ofSeconds(30));
        InProcessNetwork.Traffic joined = network.traffic(b.port());
        // Every version (tombstones too) came in snapshot pages, none through the feed.
        assertThat(joined.snapshotRows()).isEqualTo(versions);
        assertThat(joined.pulledRows()).isZero();

        UUID id = UUID.randomUUID();
        execute(a.ds(), "insert into users(id, username) values ('" + id + "', 'after the join')");
        Await.untilEquals("write after the join on b", Duration.ofSeconds(10),
                () -> query(b.ds(), "select username from users where id = '" + id + "'"), List.of("after the join"));
        assertThat(network.traffic(b.port()).pulledRows()).isEqualTo(1);
        execute(b.ds(), "update users set email = 'b@x' where id = '" + id + "'");
        Await.untilEquals("write of the joined node on a", Duration.ofSeconds(10),
                () -> query(a.ds(), "select email from users where id = '" + id + "'"), List.of("b@x"));
        assertConverged();
    }

    @Test
    void an_empty_node_joins_one_peer_by_snapshot_and_follows_the_others_from_their_current_position()
            throws Exception {
        Node a = startNode("a");
        Node c = startNode("c");
        introduce(a, c);
        introduce(c, a);
        execute(a.ds(), "insert into users(id, username) select gen_random_uuid(), 'user' || g from generate_series(1, 2000) g");
        execute(c.ds(), "insert into users(id, username) select gen_random_uuid(), 'c-user' || g from generate_series(1, 500) g");
        awaitConverged(Duration.ofSeconds(30));
        long versions = Long.parseLong(query(a.ds(), "select count(*) from peersync.m_users").get(0));

        Node b = startNode("b");
        fullMesh();
        awaitConverged(Duration.ofSeconds(30));
        // One peer's snapshot (every version once) plus a one-row page that tells the other peer's feed position;
        // no feed replay from either, and the anti-entropy pass with the second peer finds nothing to repair.
        Await.untilEquals("b's traffic after the join", Duration.ofSeconds(10), () -> {
            InProcessNetwork.Traffic t = network.traffic(b.port());
            return List.of(t.snapshotRows(), t.pulledRows(), t.rows());
        }, List.of(versions + 1, 0L, 0L));

        UUID id = UUID.randomUUID();
        execute(c.ds(), "insert into users(id, username) values ('" + id + "', 'from c after the join')");
        Await.untilEquals("c's write after the join on b", Duration.ofSeconds(10),
                () -> query(b.ds(), "select username from users where id = '" + id + "'"),
                List.of("from c after the join"));
        awaitConverged(Duration.ofSeconds(10)); // a receives it too, maybe a moment after b
    }

    @Test
    void relay_carries_changes_from_a_through_b_to_c() throws Exception {
        Node a = startNode("a");
        Node b = startNode("b");
        Node c = startNode("c");
        introduce(b, a);
        introduce(c, b);
        UUID id = UUID.randomUUID();
        execute(a.ds(), "insert into users(id, username) values ('" + id + "', 'relayed')");
        Await.untilEquals("relayed user on c", Duration.ofSeconds(15),
                () -> query(c.ds(), "select username from users where id = '" + id + "'"), List.of("relayed"));
        assertConverged();
    }

    @Test
    void in_a_full_mesh_each_row_is_received_once_per_node_and_relayed_only_while_its_origin_is_cut_off()
            throws Exception {
        // No anti-entropy during the test: every row must come through the feeds, from its origin or relayed.
        Duration never = Duration.ofHours(1);
        Node a = startNode("a", never);
        Node b = startNode("b", never);
        Node c = startNode("c", never);
        // Nodes that are not empty do not join by snapshot (a join from one peer follows the others from their current
        // position and repairs the rest by anti-entropy): every row of a then comes through a feed.
        for (Node n : List.of(a, b, c)) {
            execute(n.ds(), "insert into users(id, username) values (gen_random_uuid(), 'seed of " + name(n) + "')");
        }
        fullMesh();
        for (Node n : List.of(a, b, c)) {
            Await.untilEquals("seed users on " + name(n), Duration.ofSeconds(20),
                    () -> query(n.ds(), "select count(*) from users"), List.of("3"));
        }
        var origin = a.store().nodeId();
        for (int i = 0; i < 20; i++) {
            execute(a.ds(), "insert into users(id, username) select gen_random_uuid(), 'u" + i + "-' || g"
                    + " from generate_series(1, 100) g");
        }
        for (Node n : List.of(b, c)) {
            Await.untilEquals("users on " + name(n), Duration.ofSeconds(20),
                    () -> query(n.ds(), "select count(*) from users"), List.of("2003"));
        }
        // Each of the 2,001 rows written on a (its seed and 2,000) is written once on b and once on c, whichever peer
        // brought it first; a copy that came the other way too (relayed before the origin's batch was applied here)
        // is counted skipped.
        for (Node n : List.of(b, c)) {
            OriginCounts now = Await.until("counters on " + name(n), Duration.ofSeconds(10),
                    () -> received(n, origin, null), counts -> counts.applied() == 2001);
            assertThat(now.parked()).isZero();
            assertThat(now.received()).isEqualTo(now.applied() + now.skipped());
        }
        // The A-C link cut: A's new rows still reach C at once, relayed by B through its feed.
        network.cut(a.port(), c.port());
        OriginCounts viaB = received(c, origin, b);
        for (int i = 0; i < 5; i++) {
            execute(a.ds(), "insert into users(id, username) select gen_random_uuid(), 'cut" + i + "-' || g"
                    + " from generate_series(1, 20) g");
        }
        Await.untilEquals("users on c while cut off from a", Duration.ofSeconds(20),
                () -> query(c.ds(), "select count(*) from users"), List.of("2103"));
        // No anti-entropy and no link to a: the 100 rows were applied from b's feed.
        Await.until("rows of a relayed to c by b", Duration.ofSeconds(10), () -> received(c, origin, b),
                now -> now.applied() - viaB.applied() == 100);
        network.heal(a.port(), c.port());
        awaitConverged(Duration.ofSeconds(20));
    }

    private static String name(Node n) {
        return n.engine().settings().nodeName();
    }

    /** Rows of {@code origin} that {@code n} pulled from {@code peer} (every peer when null). */
    private static OriginCounts received(Node n, NodeId origin, Node peer) {
        return n.engine().status().peers().stream()
                .filter(p -> peer == null || p.nodeId().equals(peer.store().nodeId()))
                .map(p -> p.origins().getOrDefault(origin, OriginCounts.ZERO))
                .reduce(OriginCounts.ZERO, OriginCounts::plus);
    }

    @Test
    void a_source_transaction_larger_than_a_batch_becomes_visible_on_the_peer_all_at_once() throws Exception {
        Node a = startNode("a");
        Node b = startNode("b");
        fullMesh();
        execute(a.ds(), "insert into users(id, username) values (gen_random_uuid(), 'first')");
        Await.untilEquals("first user on b", Duration.ofSeconds(20),
                () -> query(b.ds(), "select count(*) from users"), List.of("1"));
        // 20,000 rows in one transaction: twenty pulls of 1,000 rows, applied in one transaction on b.
        execute(a.ds(), "insert into users(id, username) select gen_random_uuid(), 'big' || g"
                + " from generate_series(1, 20000) g");
        java.util.Set<String> seen = new java.util.TreeSet<>();
        Await.until("the 20,000 rows on b", Duration.ofSeconds(60), () -> {
            String count = query(b.ds(), "select count(*) from users").get(0);
            seen.add(count);
            return count;
        }, "20001"::equals);
        assertThat(seen).as("row counts a reader of b saw").isSubsetOf("1", "20001");
        assertConverged();
    }

    @Test
    void partitioned_node_catches_up_after_heal_and_all_converge() throws Exception {
        Node a = startNode("a");
        Node b = startNode("b");
        Node c = startNode("c");
        fullMesh();
        UUID shared = UUID.randomUUID();
        execute(a.ds(), "insert into users(id, username) values ('" + shared + "', 'shared')");
        awaitConverged(Duration.ofSeconds(10));

        network.cut(c.port(), a.port());
        network.cut(c.port(), b.port());
        for (int i = 0; i < 20; i++) {
            execute(a.ds(), "insert into posts(id, user_id, body, score, tags) values (gen_random_uuid(), '" + shared
                    + "', 'from a " + i + "', " + i + ".5, array['x','y'])");
            execute(c.ds(), "insert into posts(id, user_id, body) values (gen_random_uuid(), '" + shared
                    + "', 'from c " + i + "')");
        }
        execute(a.ds(), "update users set email = 'a@example.com' where id = '" + shared + "'");
        execute(c.ds(), "update users set email = 'c@example.com' where id = '" + shared + "'");

        network.heal(c.port(), a.port());
        network.heal(c.port(), b.port());
        awaitConverged(Duration.ofSeconds(20));
        assertThat(query(b.ds(), "select count(*) from posts")).containsExactly("40");
        assertThat(query(b.ds(), "select email from users")).containsAnyOf("a@example.com", "c@example.com");
    }

    @Test
    void delete_on_one_node_removes_the_row_and_its_children_everywhere() throws Exception {
        Node a = startNode("a");
        Node b = startNode("b");
        fullMesh();
        UUID user = UUID.randomUUID();
        execute(a.ds(), "insert into users(id, username) values ('" + user + "', 'gone-soon')");
        execute(a.ds(), "insert into posts(id, user_id, body) values (gen_random_uuid(), '" + user + "', 'p')");
        Await.untilEquals("post on b", Duration.ofSeconds(10), () -> query(b.ds(), "select count(*) from posts"),
                List.of("1"));
        execute(b.ds(), "delete from users where id = '" + user + "'");
        Await.untilEquals("users on a", Duration.ofSeconds(10), () -> query(a.ds(), "select count(*) from users"),
                List.of("0"));
        awaitConverged(Duration.ofSeconds(10));
        assertThat(query(a.ds(), "select count(*) from posts")).containsExactly("0");
    }

    @Test
    void concurrent_updates_of_one_row_converge_to_one_value() throws Exception {
        Node a = startNode("a");
        Node b = startNode("b");
        Node c = startNode("c");
        fullMesh();
        UUID id = UUID.randomUUID();
        execute(a.ds(), "insert into users(id, username) values ('" + id + "', 'contended')");
        awaitConverged(Duration.ofSeconds(10));
        List<Thread> writers = new ArrayList<>();
        for (Node n : nodes) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        execute(n.ds(), "update users set email = '" + n.engine().settings().nodeName() + i
                                + "@x' where id = '" + id + "'");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            writers.add(t);
            t.start();
        }
        for (Thread t : writers) {
            t.join();
        }
        awaitConverged(Duration.ofSeconds(20));
        assertThat(query(a.ds(), "select email from users")).singleElement().asString().endsWith("24@x");
    }

    @Test
    void anti_entropy_repairs_rows_the_feed_skipped_receiving_only_the_differing_versions() throws Exception {
        Node a = startNode("a");
        Node b = startNode("b");
        fullMesh();
        execute(a.ds(), "insert into users(id, username) select gen_random_uuid(), 'user' || g"
                + " from generate_series(1, 20000) g");
        awaitConverged(Duration.ofSeconds(60));

        // Cut B off and wait for one of its rounds to fail: no round that started before the cut is still running.
        network.cut(a.port(), b.port());
        int seen = b.events().size();
        b.engine().triggerSync();
        Await.until("a failed round of b with a", Duration.ofSeconds(10), () -> {
            List<SyncEvent> all = List.copyOf(b.events());
            return all.subList(seen, all.size());
        }, events -> events.stream().anyMatch(e -> e instanceof SyncEvent.SyncRoundCompleted r
                && r.peer().equals(a.store().nodeId()) && r.error() != null));
        execute(a.ds(), "update users set email = 'repaired@x' where id in (select id from users order by id limit 5)");
        skipFeed(a, b);
        network.heal(a.port(), b.port());

        InProcessNetwork.Traffic before = network.traffic(b.port());
        b.engine().requestAntiEntropyAll();
        Await.untilEquals("repaired rows on b", Duration.ofSeconds(20),
                () -> query(b.ds(), "select count(*) from users where email = 'repaired@x'"), List.of("5"));
        awaitConverged(Duration.ofSeconds(10));
        InProcessNetwork.Traffic after = network.traffic(b.port());
        // 20,000 rows in 1024 buckets: each differing bucket's sub-ranges hold about one row, and A leaves out the
        // versions B holds, so exactly the 5 differing versions and the 5 rows cross (the old pass sent every version
        // of the 5 buckets, about 100).
        assertThat(after.versions() - before.versions()).isEqualTo(5);
        assertThat(after.rows() - before.rows()).isEqualTo(5);
    }

    /** Moves b's cursor for a to the end of a's feed without applying anything: only anti-entropy can repair b. */
    private static void skipFeed(Node a, Node b) {
        String cursor = b.store().cursor(a.store().nodeId());
        ChangeBatch batch;
        do {
            batch = a.store().readChanges(b.store().nodeId(), new PullRequest(a.store().tables(), cursor, 5000));
            cursor = batch.nextCursor();
        } while (batch.hasMore());
        b.store().applyBatch(a.store().nodeId(), List.of(), cursor);
    }

    // ---- convergence checking ----

    private void awaitConverged(Duration timeout) throws Exception {
        Await.untilEquals("no differences between nodes", timeout, this::divergence, List.of());
        assertConverged();
    }

    private void assertConverged() throws SQLException {
        assertThat(divergence()).as("differences between nodes").isEmpty();
    }

    /** Per table, the nodes whose rows or digest differ from the first node's; empty when converged. */
    private List<String> divergence() throws SQLException {
        List<String> differences = new ArrayList<>();
        Node first = nodes.get(0);
        for (String table : TABLES) {
            List<String> expected = query(first.ds(), "select to_jsonb(t)::text from " + table + " t order by id");
            String expectedDigest = first.store().digest(table).rootHash();
            for (Node other : nodes.subList(1, nodes.size())) {
                List<String> actual = query(other.ds(), "select to_jsonb(t)::text from " + table + " t order by id");
                if (!actual.equals(expected)) {
                    differences.add(table + " rows differ on " + other.engine().settings().nodeName() + ": "
                            + expected.size() + " vs " + actual.size() + " rows");
                } else if (!other.store().digest(table).rootHash().equals(expectedDigest)) {
                    differences.add(table + " digest differs on " + other.engine().settings().nodeName());
                }
            }
        }
        return differences;
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> query(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

}
