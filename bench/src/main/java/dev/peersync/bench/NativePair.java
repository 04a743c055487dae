package dev.peersync.bench;

import java.sql.SQLException;

/**
 * PostgreSQL's native logical replication from A to B: a publication of the table on A's database (A runs
 * with {@code wal_level=logical}), a subscription on B's database (no initial copy: both start empty).
 * "B stopped" is the subscription disabled, so A's slot keeps the WAL until it is enabled again.
 */
final class NativePair implements ReplicaPair {
    static final String PUBLICATION = "bench_pub";
    private final DatabasePair dbs;
    private final NativeSubscription subscription;

    private NativePair(DatabasePair dbs, NativeSubscription subscription) {
        this.dbs = dbs;
        this.subscription = subscription;
    }

    /** Fresh databases on A and B with the table, A published, B subscribed and streaming. */
    static NativePair create(PgServer a, PgServer b) throws SQLException {
        DatabasePair dbs = DatabasePair.create(a, b, "native");
        a.execute(dbs.dbA(), "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + ReviewRows.TABLE);
        return new NativePair(dbs, NativeSubscription.create(a, dbs.dbA(), b, dbs.dbB(), PUBLICATION));
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
        subscription.disable();
    }

    @Override
    public void startReplica() {
        subscription.enable();
    }

    /** Drops the subscription (and with it A's slot), then both databases. */
    @Override
    public void close() {
        subscription.close();
        dbs.drop();
    }
}
