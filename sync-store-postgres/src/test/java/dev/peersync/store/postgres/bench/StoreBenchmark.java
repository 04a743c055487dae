package dev.peersync.store.postgres.bench;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.store.postgres.PgSyncStore;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncStore;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Not a test: measures capture overhead, feed read rate and apply rate on review-shaped rows (~500 bytes: uuid
 * ids, rating, title, ~300-character body, timestamps) on the test PostgreSQL (embedded unless configured).
 *
 * <pre>./mvnw -B -o -q -pl sync-core -am test -Pbench -DskipTests [-Dbench.rows=100000]</pre>
 */
public final class StoreBenchmark {
    private static final String DDL = "CREATE TABLE reviews (id uuid PRIMARY KEY, product_id uuid NOT NULL,"
            + " user_id uuid NOT NULL, rating int NOT NULL, title text NOT NULL, body text NOT NULL,"
            + " created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)";
    private static final String INSERT = "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BULK = "INSERT INTO reviews SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::uuid[],"
            + " ?::int[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[])";

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 100_000);
        PostgresServer server = PostgresServer.shared();
        System.out.printf("rows per run: %d, review row ~%d bytes%n", rows, approximateRowBytes());

        for (String mode : List.of("single-row autocommit", "1000-row statements")) {
            double plain = insertRate(server, rows, false, mode);
            double synced = insertRate(server, rows, true, mode);
            System.out.printf("insert %-22s plain %,10.0f rows/s   synced %,10.0f rows/s   ratio %.0f%%%n",
                    mode, plain, synced, 100 * synced / plain);
        }

        TestDatabase source = server.createDatabase("bench_feed_src");
        TestDatabase target = server.createDatabase("bench_feed_dst");
        try {
            SyncStore from = install(source.dataSource());
            SyncStore to = install(target.dataSource());
            try (Connection c = source.dataSource().getConnection()) {
                bulkInsert(c, rows);
            }
            List<ChangeBatch> batches = new ArrayList<>();
            long t0 = System.nanoTime();
            String cursor = "";
            int read = 0;
            while (true) {
                ChangeBatch batch = from.readChanges(to.nodeId(), new PullRequest(List.of("reviews"), cursor, 5000));
                if (batch.changes().isEmpty() && !batch.hasMore()) {
                    break;
                }
                batches.add(batch);
                read += batch.changes().size();
                cursor = batch.nextCursor();
            }
            double feedSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("feed read  (batches of 5000)          %,10.0f rows/s   (%d rows, %.2f s)%n",
                    read / feedSeconds, read, feedSeconds);
            long t1 = System.nanoTime();
            int applied = 0;
            for (ChangeBatch batch : batches) {
                applied += to.applyBatch(from.nodeId(), batch.changes(), batch.nextCursor()).applied();
            }
            double applySeconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf("apply      (batches of 5000, new rows) %,10.0f rows/s   (%d rows, %.2f s)%n",
                    applied / applySeconds, applied, applySeconds);
            long t2 = System.nanoTime();
            int skipped = 0;
            for (ChangeBatch batch : batches) {
                skipped += to.applyBatch(from.nodeId(), batch.changes(), batch.nextCursor()).skipped();
            }
            double againSeconds = (System.nanoTime() - t2) / 1e9;
            System.out.printf("re-apply   (same batches, all skipped) %,10.0f rows/s   (%d rows, %.2f s)%n",
                    skipped / againSeconds, skipped, againSeconds);
            long t3 = System.nanoTime();
            String root = to.digest("reviews").rootHash();
            System.out.printf("digest after apply: %s in %.3f s; equal to source: %b%n", root,
                    (System.nanoTime() - t3) / 1e9, root.equals(from.digest("reviews").rootHash()));
        } finally {
            source.drop();
            target.drop();
        }
    }

    private static SyncStore install(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(DDL);
        }
        return PgSyncStore.install(ds, StoreSettings.of(List.of("reviews")));
    }

    private static double insertRate(PostgresServer server, int rows, boolean synced, String mode) throws SQLException {
        TestDatabase db = server.createDatabase("bench_insert");
        try {
            DataSource ds = db.dataSource();
            if (synced) {
                install(ds);
            } else {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute(DDL);
                }
            }
            try (Connection c = ds.getConnection()) {
                long t0 = System.nanoTime();
                if (mode.startsWith("single")) {
                    singleRowInserts(c, rows);
                } else {
                    bulkInsert(c, rows);
                }
                return rows / ((System.nanoTime() - t0) / 1e9);
            }
        } finally {
            db.drop();
        }
    }

    private static void singleRowInserts(Connection c, int rows) throws SQLException {
        Random random = new Random(1);
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int i = 0; i < rows; i++) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, UUID.randomUUID());
                ps.setObject(3, UUID.randomUUID());
                ps.setInt(4, 1 + random.nextInt(5));
                ps.setString(5, "Title of review " + i);
                ps.setString(6, body(random));
                Timestamp now = new Timestamp(System.currentTimeMillis());
                ps.setTimestamp(7, now);
                ps.setTimestamp(8, now);
                ps.executeUpdate();
            }
        }
    }

    private static void bulkInsert(Connection c, int rows) throws SQLException {
        Random random = new Random(2);
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement(BULK)) {
            for (int done = 0; done < rows; done += 1000) {
                int n = Math.min(1000, rows - done);
                UUID[] id = new UUID[n];
                UUID[] product = new UUID[n];
                UUID[] user = new UUID[n];
                Integer[] rating = new Integer[n];
                String[] title = new String[n];
                String[] body = new String[n];
                Timestamp[] at = new Timestamp[n];
                for (int i = 0; i < n; i++) {
                    id[i] = UUID.randomUUID();
                    product[i] = UUID.randomUUID();
                    user[i] = UUID.randomUUID();
                    rating[i] = 1 + random.nextInt(5);
                    title[i] = "Title of review " + (done + i);
                    body[i] = body(random);
                    at[i] = new Timestamp(System.currentTimeMillis());
                }
                ps.setArray(1, c.createArrayOf("uuid", id));
                ps.setArray(2, c.createArrayOf("uuid", product));
                ps.setArray(3, c.createArrayOf("uuid", user));
                ps.setArray(4, c.createArrayOf("int4", rating));
                ps.setArray(5, c.createArrayOf("text", title));
                ps.setArray(6, c.createArrayOf("text", body));
                ps.setArray(7, c.createArrayOf("timestamptz", at));
                ps.setArray(8, c.createArrayOf("timestamptz", at));
                ps.executeUpdate();
            }
        }
    }

    private static String body(Random random) {
        StringBuilder b = new StringBuilder(300);
        while (b.length() < 300) {
            b.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return b.substring(0, 300);
    }

    private static int approximateRowBytes() {
        return 3 * 16 + 4 + 20 + 300 + 2 * 8 + 24; // ids, rating, title, body, timestamps, tuple header
    }

    private static final String[] WORDS = {"great", "lamp", "works", "as", "expected", "but", "the", "cable", "is",
        "short", "and", "light", "warm", "would", "buy", "again", "shipping", "was", "fast", "quality", "okay"};

}
