package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncStore;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * One simulated node for tests: its own database with the review-like test schema, and its store.
 * Several nodes live on one PostgreSQL server.
 */
final class TestNode implements AutoCloseable {
    static final List<String> TABLES = List.of("reviews", "users", "products");
    static final String SCHEMA = """
            CREATE TABLE users (id uuid PRIMARY KEY, username text NOT NULL UNIQUE, created_at timestamptz NOT NULL);
            CREATE TABLE products (id uuid PRIMARY KEY, name text NOT NULL, price numeric(12,2),
                                   attributes jsonb, tags text[]);
            CREATE TABLE reviews (id uuid PRIMARY KEY,
                                  product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                                  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                                  rating int NOT NULL CHECK (rating BETWEEN 1 AND 5), title text, body text,
                                  photo bytea, created_at timestamptz NOT NULL DEFAULT now());
            """;

    final TestDatabase db;
    final DataSource dataSource;
    final Jdbi jdbi;
    final SyncStore store;

    private TestNode(TestDatabase db, StoreSettings settings, String ddl) {
        this.db = db;
        this.dataSource = db.dataSource();
        this.jdbi = Jdbi.create(dataSource);
        jdbi.useHandle(h -> h.createScript(ddl).execute());
        this.store = PgSyncStore.install(dataSource, settings);
    }

    static TestNode create(String prefix) {
        return create(prefix, StoreSettings.of(TABLES));
    }

    static TestNode create(String prefix, StoreSettings settings) {
        return new TestNode(PostgresServer.shared().createDatabase(prefix), settings, SCHEMA);
    }

    /** A node on a database made elsewhere (another PostgreSQL server than the shared one). */
    static TestNode on(TestDatabase db) {
        return new TestNode(db, StoreSettings.of(TABLES), SCHEMA);
    }

    static TestNode create(String prefix, StoreSettings settings, String ddl) {
        return new TestNode(PostgresServer.shared().createDatabase(prefix), settings, ddl);
    }

    /**
     * Waits until the shared wall clock has moved on by a few milliseconds, so that the next write on any node
     * gets a strictly higher version than every write made before (nodes in tests share one physical clock).
     */
    static void clockTicks() {
        long target = System.currentTimeMillis() + 3;
        while (System.currentTimeMillis() < target) {
            Thread.onSpinWait();
        }
    }

    /** The pid of a session of this database waiting on a lock, polled with a deadline. */
    int awaitLockWaiter() {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        List<Integer> last = List.of();
        while (java.time.Instant.now().isBefore(deadline)) {
            last = jdbi.withHandle(h -> h.createQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()").mapTo(Integer.class).list());
            if (!last.isEmpty()) {
                return last.get(0);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no session of " + db.name() + " waited on a lock within 30 s; last seen: " + last);
    }

    NodeId id() {
        return store.nodeId();
    }

    void sql(String sql, Object... args) {
        jdbi.useHandle(h -> h.execute(sql, args));
    }

    List<Map<String, Object>> rows(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapToMap().list());
    }

    long count(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /** Pulls everything {@code source} has for this node, batch by batch, as the engine would. */
    int pullFrom(TestNode source, int batchRows) {
        int applied = 0;
        for (int round = 0; round < 10_000; round++) {
            ChangeBatch batch = source.store.readChanges(id(),
                    new PullRequest(source.store.tables(), store.cursor(source.id()), batchRows));
            applied += store.applyBatch(source.id(), batch.changes(), batch.nextCursor()).applied();
            if (!batch.hasMore() && batch.changes().isEmpty()) {
                return applied;
            }
        }
        throw new AssertionError("pull from " + source.db.name() + " did not end after 10000 batches");
    }

    int pullFrom(TestNode source) {
        return pullFrom(source, 1000);
    }

    /** Every synced table's content, ordered, as text: equal on two nodes iff the tables are equal. */
    String content() {
        StringBuilder out = new StringBuilder();
        for (String t : store.tables()) {
            out.append(t).append(":\n");
            for (Map<String, Object> r : rows("SELECT to_jsonb(x.*)::text AS j FROM " + t + " x ORDER BY id")) {
                out.append(r.get("j")).append('\n');
            }
        }
        return out.toString();
    }

    String digests() {
        StringBuilder out = new StringBuilder();
        for (String t : store.tables()) {
            out.append(store.digest(t)).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        db.drop();
    }
}
