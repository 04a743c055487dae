package dev.peersync.bench;

import java.sql.Connection;

/**
 * Figure 6: the insert rate into a synced table (store installed: capture triggers, metadata, digest deltas)
 * against the same table in a database without sync, same server, same rows, 1,000-row transactions on one
 * connection. The two alternate first from run to run, so neither always gets the warmer cache.
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
                }
            } else {
                results.add("capture.plain.rate", insertRate(db, run));
            }
        } finally {
            server.dropDatabase(db);
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
