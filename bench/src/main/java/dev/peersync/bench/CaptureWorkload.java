package dev.peersync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Figure 6: the insert rate into a synced table (store installed: capture triggers, metadata, digest deltas)
 * against the same table in a database without sync, same server, same rows, 1,000-row transactions on one
 * connection; then the update rate of the same rows, two of their eight columns changed (what capture pays for column
 * versions: the join of the transition tables and of the old metadata row), also in 1,000-row transactions. The two
 * databases alternate first from run to run, so neither always gets the warmer cache.
 */
final class CaptureWorkload {
    private final PgServer server;
    private final BenchOptions options;
    private final Results results;

    CaptureWorkload(PgServer server, BenchOptions options, Results results) {
        this.server = server;
        this.options = options;
        this.results = results;
    }

    void run(int run) throws Exception {
        boolean syncedFirst = run % 2 == 1;
        measure(syncedFirst, run);
        measure(!syncedFirst, run);
    }

    private void measure(boolean synced, int run) throws Exception {
        String db = server.createDatabase(synced ? "capture_synced" : "capture_plain");
        try {
            try (Connection c = server.connect(db)) {
                ReviewRows.createTable(c);
            }
            if (synced) {
                try (SyncNode ignored = SyncNode.open("capture", server, db, options.pullBatchRows())) {
                    results.add("capture.synced.rate", insertRate(db, run));
                    results.add("capture.synced.updateRate", updateRate(db));
                }
            } else {
                results.add("capture.plain.rate", insertRate(db, run));
                results.add("capture.plain.updateRate", updateRate(db));
            }
        } finally {
            server.dropDatabase(db);
        }
    }

    /** Updates every row once, 1,000 per transaction in key order: the rating and updated_at change. */
    private double updateRate(String db) throws Exception {
        try (Connection c = server.connect(db)) {
            List<UUID> ids = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT id FROM " + ReviewRows.TABLE + " ORDER BY id")) {
                while (r.next()) {
                    ids.add(r.getObject(1, UUID.class));
                }
            }
            c.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + ReviewRows.TABLE + " SET rating = rating % 5 + 1,"
                    + " updated_at = updated_at + interval '1 second' WHERE id = ANY(?)")) {
                for (int from = 0; from < ids.size(); from += 1000) {
                    ps.setArray(1, c.createArrayOf("uuid", ids.subList(from, Math.min(ids.size(), from + 1000)).toArray()));
                    ps.executeUpdate();
                    c.commit();
                }
            }
            return ids.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double insertRate(String db, int run) throws Exception {
        try (Connection c = server.connect(db)) {
            long start = System.nanoTime();
            ReplicationWorkloads.write(c, new ReviewRows(7000L + run), options.captureRows());
            return options.captureRows() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
