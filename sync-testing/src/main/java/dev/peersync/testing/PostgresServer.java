package dev.peersync.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL server per JVM for tests, started on first use and stopped at JVM exit.
 *
 * <p>Where it comes from, in order: an external server named by {@code PEERSYNC_TEST_PG_URL}
 * (a JDBC URL of a superuser connection, with {@code PEERSYNC_TEST_PG_USER} and
 * {@code PEERSYNC_TEST_PG_PASSWORD}); a Testcontainers container where a Docker engine answers;
 * otherwise an embedded PostgreSQL (zonky), which needs nothing installed. Each test gets its own
 * database from {@link #createDatabase(String)}, so tests never see each other's rows.
 */
public final class PostgresServer {
    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    private static volatile PostgresServer instance;

    private final String adminJdbcUrl;
    private final String user;
    private final String password;
    private final String description;

    private PostgresServer(String adminJdbcUrl, String user, String password, String description) {
        this.adminJdbcUrl = adminJdbcUrl;
        this.user = user;
        this.password = password;
        this.description = description;
    }

    /** The shared server, started on first call. */
    public static PostgresServer shared() {
        PostgresServer server = instance;
        if (server == null) {
            synchronized (PostgresServer.class) {
                server = instance;
                if (server == null) {
                    server = start();
                    instance = server;
                    log.info("Tests use PostgreSQL: {}", server.description);
                }
            }
        }
        return server;
    }

    private static PostgresServer start() {
        String externalUrl = System.getenv("PEERSYNC_TEST_PG_URL");
        if (externalUrl != null && !externalUrl.isBlank()) {
            return new PostgresServer(externalUrl,
                    envOr("PEERSYNC_TEST_PG_USER", "postgres"),
                    envOr("PEERSYNC_TEST_PG_PASSWORD", "postgres"),
                    "external server " + externalUrl);
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "pg-container-stop"));
            return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "Testcontainers " + container.getJdbcUrl());
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg), "pg-embedded-stop"));
            String url = pg.getJdbcUrl("postgres", "postgres");
            return new PostgresServer(url, "postgres", "postgres", "embedded " + url);
        } catch (IOException e) {
            throw new IllegalStateException("Could not start an embedded PostgreSQL for tests: " + e.getMessage()
                    + ". Set PEERSYNC_TEST_PG_URL to use an external server instead.", e);
        }
    }

    private static boolean dockerAvailable() {
        if ("false".equalsIgnoreCase(System.getenv("PEERSYNC_TEST_DOCKER"))) {
            return false;
        }
        boolean hinted = System.getenv("DOCKER_HOST") != null
                || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"));
        if (!hinted) {
            return false; // no engine to ask: skip Testcontainers' noisy probe
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Creates a fresh, empty database whose name starts with {@code prefix}. */
    public TestDatabase createDatabase(String prefix) {
        String name = (prefix.replaceAll("[^A-Za-z0-9_]", "_") + "_" + ProcessHandle.current().pid() + "_"
                + DATABASE_COUNTER.incrementAndGet()).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(adminJdbcUrl, user, password);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database " + name + ": " + e.getMessage(), e);
        }
        return new TestDatabase(name, jdbcUrlFor(name), user, password);
    }

    /** Drops a database made by {@link #createDatabase(String)}, ending its open connections first. */
    public void dropDatabase(String name) {
        try (Connection c = DriverManager.getConnection(adminJdbcUrl, user, password);
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    String jdbcUrlFor(String database) {
        int query = adminJdbcUrl.indexOf('?');
        String base = query < 0 ? adminJdbcUrl : adminJdbcUrl.substring(0, query);
        String params = query < 0 ? "" : adminJdbcUrl.substring(query);
        int slash = base.lastIndexOf('/');
        return base.substring(0, slash + 1) + database + params;
    }

    /** A data source on the server's admin database (for tests that manage databases themselves). */
    public DataSource adminDataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(adminJdbcUrl);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }
}
