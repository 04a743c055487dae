package dev.peersync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One subscription of native logical replication: a database on one server subscribed to a publication of a
 * database on the publishing server (which runs with {@code wal_level=logical}), with no initial copy (both start
 * empty). Disabled, A's slot keeps the WAL until it is enabled again.
 */
final class NativeSubscription implements AutoCloseable {
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(60);
    private final PgServer publisher;
    private final String publisherDb;
    private final PgServer subscriber;
    private final String subscriberDb;
    private final String name;

    private NativeSubscription(PgServer publisher, String publisherDb, PgServer subscriber, String subscriberDb,
                               String name) {
        this.publisher = publisher;
        this.publisherDb = publisherDb;
        this.subscriber = subscriber;
        this.subscriberDb = subscriberDb;
        this.name = name;
    }

    /** Subscribes {@code subscriberDb} to {@code publication}; returns once A's slot is streaming. */
    static NativeSubscription create(PgServer publisher, String publisherDb, PgServer subscriber, String subscriberDb,
                                     String publication) throws SQLException {
        String name = "sub_" + subscriberDb;
        subscriber.execute(subscriberDb, "CREATE SUBSCRIPTION " + name + " CONNECTION '"
                + publisher.libpqConnection(publisherDb) + "' PUBLICATION " + publication + " WITH (copy_data = false)");
        NativeSubscription subscription = new NativeSubscription(publisher, publisherDb, subscriber, subscriberDb, name);
        try {
            subscription.awaitSlotActive(true);
        } catch (SQLException | RuntimeException e) {
            subscription.close(); // left behind, it would keep A's slot and its WAL
            throw e;
        }
        return subscription;
    }

    /** Stops replication into the subscriber and waits until A's walsender has let go of the slot. */
    void disable() throws SQLException {
        subscriber.execute(subscriberDb, "ALTER SUBSCRIPTION " + name + " DISABLE");
        awaitSlotActive(false);
    }

    /** Starts replication again; returns at once (catching up happens after). */
    void enable() {
        subscriber.execute(subscriberDb, "ALTER SUBSCRIPTION " + name + " ENABLE");
    }

    /** Waits until A's replication slot for the subscription is (or is no longer) in use by a walsender. */
    private void awaitSlotActive(boolean active) throws SQLException {
        long deadline = System.nanoTime() + STATE_TIMEOUT.toNanos();
        try (Connection c = publisher.connect(publisherDb);
             PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, name);
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
            throw new IllegalStateException("Replication slot " + name + " on " + publisher.name() + " did not become "
                    + (active ? "active" : "inactive") + " within " + STATE_TIMEOUT + "; last seen: " + last);
        }
    }

    /** Drops the subscription, and with it A's slot. */
    @Override
    public void close() {
        subscriber.execute(subscriberDb, "DROP SUBSCRIPTION IF EXISTS " + name);
    }
}
