package dev.peersync.store.postgres.internal;

import dev.peersync.core.store.SyncStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SyncStore#listenForCommits} on PostgreSQL: wakes the engine when a transaction that touched a synced table
 * commits, from any client: the capture triggers {@code NOTIFY} the channel, PostgreSQL delivers it at commit. The
 * engine then tells its peers to pull, which is what makes sync real-time rather than bounded by the sync interval.
 *
 * <p>The payload names the cause: empty for a local write, a peer's node id for rows applied from that peer
 * (see the store's apply). The engine does not push back to a peer whose own rows were the only change.
 *
 * <p>Holds one dedicated connection; reconnects with a pause when it breaks.
 */
final class PgCommitListener implements SyncStore.Subscription {
    /** The channel capture, apply and snapshot loads notify. */
    static final String CHANNEL = "peersync_changes";
    private static final String LOCAL_WRITE = SyncStore.LOCAL_WRITE;
    private static final Logger log = LoggerFactory.getLogger(PgCommitListener.class);
    private static final int POLL_MILLIS = 250;
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final Consumer<Set<String>> onCommit;
    private final Thread thread;
    private volatile boolean closed;

    PgCommitListener(DataSource dataSource, Consumer<Set<String>> onCommit) {
        this.dataSource = dataSource;
        this.onCommit = onCommit;
        this.thread = new Thread(this::loop, "peersync-commit-listener");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (!closed) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                // A commit may have happened while we were not listening: treat (re)connection as a local change.
                onCommit.accept(Set.of(LOCAL_WRITE));
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        Set<String> causes = new HashSet<>();
                        for (PGNotification n : notifications) {
                            causes.add(n.getParameter() == null ? LOCAL_WRITE : n.getParameter());
                        }
                        onCommit.accept(causes);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("Listening for local commits failed ({}); retrying in {} ms", e.getMessage(),
                        RECONNECT_PAUSE.toMillis());
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_PAUSE.toMillis()); // back-off between reconnects, not a test wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
