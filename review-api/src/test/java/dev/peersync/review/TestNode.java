package dev.peersync.review;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;

/** One review API server on loopback port 0 over a fresh, migrated database of its own; closing drops it all. */
public final class TestNode implements AutoCloseable {
    private final TestDatabase database;
    private final HikariDataSource dataSource;
    private final ReviewApiServer server;
    private final ApiClient client;

    private TestNode(TestDatabase database, HikariDataSource dataSource, ReviewApiServer server) {
        this.database = database;
        this.dataSource = dataSource;
        this.server = server;
        this.client = new ApiClient("http://127.0.0.1:" + server.port());
    }

    public static TestNode start(String name, ReviewApiSettings settings) {
        TestDatabase database = PostgresServer.shared().createDatabase(name);
        HikariDataSource dataSource = pool(database);
        try {
            return new TestNode(database, dataSource, ReviewApiServer.start(0, dataSource, settings));
        } catch (RuntimeException e) {
            dataSource.close();
            database.drop();
            throw e;
        }
    }

    public ApiClient client() {
        return client;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public TestDatabase database() {
        return database;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            dataSource.close();
            database.drop();
        }
    }

    private static HikariDataSource pool(TestDatabase database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(10);
        config.setPoolName("review-api-" + database.name());
        return new HikariDataSource(config);
    }
}
