package dev.peersync.node.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.peersync.node.config.DatabaseUrl;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's database: a HikariCP pool on the configured PostgreSQL, or on an embedded one it runs itself.
 * Closing it closes the pool, then stops the embedded server if there is one.
 */
public final class NodeDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeDatabase.class);
    private static final int POOL_SIZE = 16;

    private final HikariDataSource pool;
    private final Optional<EmbeddedDatabase> embedded;
    private final String description;

    private NodeDatabase(HikariDataSource pool, Optional<EmbeddedDatabase> embedded, String description) {
        this.pool = pool;
        this.embedded = embedded;
        this.description = description;
    }

    /** Connects to an external PostgreSQL; fails at once, naming DATABASE_URL, when it cannot be reached. */
    public static NodeDatabase external(DatabaseUrl url, String nodeName) {
        HikariConfig config = poolConfig(nodeName);
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        return new NodeDatabase(open(config, "DATABASE_URL " + url.redacted()), Optional.empty(), url.redacted());
    }

    /** Starts (or restarts) the embedded PostgreSQL in {@code dataDirectory} and pools connections to it. */
    public static NodeDatabase embedded(Path dataDirectory, int port, String nodeName) {
        EmbeddedDatabase server = EmbeddedDatabase.start(dataDirectory, port);
        try {
            HikariConfig config = poolConfig(nodeName);
            config.setJdbcUrl(server.jdbcUrl());
            String description = "embedded PostgreSQL in " + dataDirectory + " on 127.0.0.1:" + server.port();
            return new NodeDatabase(open(config, description), Optional.of(server), description);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Exports the pool's metrics ({@code hikaricp_*}: connections active, idle, pending, timeouts, usage). */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        pool.setMetricRegistry(registry);
    }

    private static HikariConfig poolConfig(String nodeName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("peersync-" + nodeName);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setConnectionTimeout(10_000);
        return config;
    }

    private static HikariDataSource open(HikariConfig config, String what) {
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("Could not connect to " + what + ": " + cause.getMessage()
                    + ". Check that PostgreSQL runs there and the user, password and database exist.", e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Where the data is, safe to log (no password). */
    public String description() {
        return description;
    }

    public Optional<EmbeddedDatabase> embedded() {
        return embedded;
    }

    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            embedded.ifPresent(server -> {
                server.close();
                log.info("Embedded PostgreSQL stopped");
            });
        }
    }
}
