package dev.peersync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * PostgreSQL's native logical replication from A to B: a publication of the table on A's database (A runs
 * with {@code wal_level=logical}), a subscription on B's database (no initial copy: both start empty).
 * "B stopped" is the subscription disabled, so A's slot keeps the WAL until it is enabled again.
 */
final class NativePair implements ReplicaPair {
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(60);
    private final PgServer a;
    private final PgServer b;
    private final String dbA;
    private final String dbB;
    private final String subscription;

    private NativePair(PgServer a, PgServer b, String dbA, String dbB, String subscription) {
        this.a = a;
        this.b = b;
        this.dbA = dbA;
        this.dbB = dbB;
        this.subscription = subscription;
    }

    /** Fresh databases on A and B with the table, A published, B subscribed and streaming. */
    static NativePair create(PgServer a, PgServer b) throws SQLException {
        String dbA = a.createDatabase("native_a");
        String dbB = b.createDatabase("native_b");
        try (Connection ca = a.connect(dbA); Connection cb = b.connect(dbB)) {
            ReviewRows.createTable(ca);
            ReviewRows.createTable(cb);
        }
        a.execute(dbA, "CREATE PUBLICATION bench_pub FOR TABLE " + ReviewRows.TABLE);
        String subscription = "sub_" + dbB;
        b.execute(dbB, "CREATE SUBSCRIPTION " + subscription + " CONNECTION '" + a.libpqConnection(dbA)
                + "' PUBLICATION bench_pub WITH (copy_data = false)");
        NativePair pair = new NativePair(a, b, dbA, dbB, subscription);
        pair.awaitSlotActive(true);
        return pair;
    }

    @Override
    public String system() {
        return "native";
    }

    @Override
    public Connection connectA() throws SQLException {
        return a.connect(dbA);
    }

    @Override
    public Connection connectB() throws SQLException {
        return b.connect(dbB);
    }

    @Override
    public void stopReplica() throws SQLException {
        b.execute(dbB, "ALTER SUBSCRIPTION " + subscription + " DISABLE");
        awaitSlotActive(false);
    }

    @Override
    public void startReplica() {
        b.execute(dbB, "ALTER SUBSCRIPTION " + subscription + " ENABLE");
    }

    /** Waits until A's replication slot for the subscription is (or is no longer) in use by a walsender. */
    private void awaitSlotActive(boolean active) throws SQLException {
        long deadline = System.nanoTime() + STATE_TIMEOUT.toNanos();
        try (Connection c = a.connect(dbA);
             PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, subscription);
            String last = "no slot";
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        last = "active=" + rs.getBoolean(1);
                        if (rs.getBoolean(1) == active) {
                            return;
                        }
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            throw new IllegalStateException("Replication slot " + subscription + " on " + a.name() + " did not become "
                    + (active ? "active" : "inactive") + " within " + STATE_TIMEOUT + "; last seen: " + last);
        }
    }

    /** Drops the subscription (and with it A's slot), then both databases. */
    @Override
    public void close() {
        b.execute(dbB, "DROP SUBSCRIPTION IF EXISTS " + subscription);
        b.dropDatabase(dbB);
        a.dropDatabase(dbA);
    }
}
