package dev.peersync.core.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the engine when a transaction that touched a synced table commits, from any client: the capture
 * triggers {@code NOTIFY} the channel, PostgreSQL delivers it at commit. The engine then tells its peers to
 * pull, which is what makes sync real-time rather than bounded by the sync interval.
 *
 * <p>Holds one dedicated connection; reconnects with a pause when it breaks.
 */
final class LocalCommitListener implements AutoCloseable {
    static final String CHANNEL = "peersync_changes";
    private static final Logger log = LoggerFactory.getLogger(LocalCommitListener.class);
    private static final int POLL_MILLIS = 250;
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final Runnable onCommit;
    private final Thread thread;
    private volatile boolean closed;

    LocalCommitListener(DataSource dataSource, Runnable onCommit) {
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
                // A commit may have happened while we were not listening: treat (re)connection as a change.
                onCommit.run();
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        onCommit.run();
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
