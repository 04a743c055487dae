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
    private final DatabasePair dbs;
    private final String subscription;

    private NativePair(DatabasePair dbs, String subscription) {
        this.dbs = dbs;
        this.subscription = subscription;
    }

    /** Fresh databases on A and B with the table, A published, B subscribed and streaming. */
    static NativePair create(PgServer a, PgServer b) throws SQLException {
        DatabasePair dbs = DatabasePair.create(a, b, "native");
        a.execute(dbs.dbA(), "CREATE PUBLICATION bench_pub FOR TABLE " + ReviewRows.TABLE);
        String subscription = "sub_" + dbs.dbB();
        b.execute(dbs.dbB(), "CREATE SUBSCRIPTION " + subscription + " CONNECTION '" + a.libpqConnection(dbs.dbA())
                + "' PUBLICATION bench_pub WITH (copy_data = false)");
        NativePair pair = new NativePair(dbs, subscription);
        pair.awaitSlotActive(true);
        return pair;
    }

    @Override
    public String system() {
        return "native";
    }

    @Override
    public DatabasePair databases() {
        return dbs;
    }

    @Override
    public void stopReplica() throws SQLException {
        dbs.b().execute(dbs.dbB(), "ALTER SUBSCRIPTION " + subscription + " DISABLE");
        awaitSlotActive(false);
    }

    @Override
    public void startReplica() {
        dbs.b().execute(dbs.dbB(), "ALTER SUBSCRIPTION " + subscription + " ENABLE");
    }

    /** Waits until A's replication slot for the subscription is (or is no longer) in use by a walsender. */
    private void awaitSlotActive(boolean active) throws SQLException {
        long deadline = System.nanoTime() + STATE_TIMEOUT.toNanos();
        try (Connection c = dbs.connectA();
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
            throw new IllegalStateException("Replication slot " + subscription + " on " + dbs.a().name() + " did not become "
                    + (active ? "active" : "inactive") + " within " + STATE_TIMEOUT + "; last seen: " + last);
        }
    }

    /** Drops the subscription (and with it A's slot), then both databases. */
    @Override
    public void close() {
        dbs.b().execute(dbs.dbB(), "DROP SUBSCRIPTION IF EXISTS " + subscription);
        dbs.drop();
    }
}
