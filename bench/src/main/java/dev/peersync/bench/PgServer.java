package dev.peersync.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server (zonky) of the benchmark: every node gets its own server, so native
 * logical replication and our sync both cross a real server boundary, as in production.
 * Durability settings are PostgreSQL's defaults (fsync and synchronous_commit on) on every server.
 */
final class PgServer implements AutoCloseable {
    private static final String USER = "postgres";
    private final String name;
    private final EmbeddedPostgres postgres;
    private final AtomicInteger databases = new AtomicInteger();

    private PgServer(String name, EmbeddedPostgres postgres) {
        this.name = name;
        this.postgres = postgres;
    }

    /**
     * Starts a server. {@code publisher}: {@code wal_level=logical} with room for replication slots, so it
     * can be the publishing side of native logical replication (the subscribing side needs nothing special).
     */
    static PgServer start(String name, boolean publisher, boolean statementStats) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    // zonky turns synchronous_commit off by default; the benchmark measures durable commits.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    .setServerConfig("max_wal_size", "4GB")
                    .setServerConfig("max_worker_processes", "16")
                    .setServerConfig("max_logical_replication_workers", "8");
            if (publisher) {
                builder.setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "16")
                        .setServerConfig("max_wal_senders", "16");
            }
            if (statementStats) {
                // Per-statement time, statements inside trigger functions included: the database side's profile.
                // auto_explain logs the plan (with actual rows and times) of any statement slower than 250 ms.
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain")
                        .setServerConfig("pg_stat_statements.track", "all")
                        .setServerConfig("pg_stat_statements.track_planning", "on")
                        .setServerConfig("auto_explain.log_min_duration", System.getProperty("peersync.bench.explain-ms", "250") + "ms")
                        .setServerConfig("auto_explain.log_analyze", "on")
                        .setServerConfig("auto_explain.log_nested_statements", "on");
            }
            String logDir = System.getProperty("peersync.bench.pg-log-dir");
            if (logDir != null) {
                // The server's own log files (auto_explain's plans): the embedded server's output is not kept.
                builder.setServerConfig("logging_collector", "on").setServerConfig("log_directory", logDir + "/" + name);
            }
            return new PgServer(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded PostgreSQL " + name + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    int port() {
        return postgres.getPort();
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database + "?user=" + USER
                // Batched INSERTs become multi-row INSERT statements: the fast path a careful application uses.
                + "&reWriteBatchedInserts=true";
    }

    /** libpq connection string, for CREATE SUBSCRIPTION on another server. */
    String libpqConnection(String database) {
        return "host=localhost port=" + port() + " dbname=" + database + " user=" + USER;
    }

    /** Creates an empty database with a fresh name starting with {@code prefix}. */
    String createDatabase(String prefix) {
        String db = prefix + "_" + databases.incrementAndGet();
        execute("postgres", "CREATE DATABASE " + db);
        return db;
    }

    void dropDatabase(String db) {
        execute("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    /** A small connection pool on one database (what a node's store and engine use). */
    HikariDataSource pool(String database, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(database));
        config.setMaximumPoolSize(size);
        config.setPoolName(name + "-" + database);
        return new HikariDataSource(config);
    }

    void execute(String database, String sql) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("On " + name + "/" + database + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    String queryString(String database, String sql) {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("On " + name + "/" + database + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    /** Version and the settings that shape the figures, as the server reports them. */
    String describe() {
        return queryString("postgres", "SELECT 'PostgreSQL ' || current_setting('server_version')"
                + " || ' (embedded, zonky): fsync=' || current_setting('fsync')"
                + " || ' synchronous_commit=' || current_setting('synchronous_commit')"
                + " || ' shared_buffers=' || current_setting('shared_buffers')"
                + " || ' wal_level=' || current_setting('wal_level')");
    }

    /** The statements that took the most time on this server (all databases), one line each. */
    List<String> topStatements(int limit) {
        execute("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        List<String> lines = new ArrayList<>();
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT calls, total_exec_time, rows,"
                     + " left(regexp_replace(query, '\\s+', ' ', 'g'), 220), total_plan_time FROM pg_stat_statements"
                     + " ORDER BY total_exec_time + total_plan_time DESC LIMIT " + limit)) {
            while (rs.next()) {
                lines.add(String.format(java.util.Locale.ROOT, "%s: %8.0f ms %6.0f ms planning %8d calls %10d rows  %s",
                        name, rs.getDouble(2), rs.getDouble(5), rs.getLong(1), rs.getLong(3), rs.getString(4)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading pg_stat_statements on " + name + " failed: " + e.getMessage(), e);
        }
        return lines;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL " + name + " did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
