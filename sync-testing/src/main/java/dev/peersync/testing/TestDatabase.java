package dev.peersync.testing;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A database of its own for one test (or one simulated node), on the shared {@link PostgresServer}. */
public record TestDatabase(String name, String jdbcUrl, String user, String password) {

    /** A fresh non-pooled data source; wrap it in a pool where the code under test expects one. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /** Drops this database, closing connections still open on it. */
    public void drop() {
        PostgresServer.shared().dropDatabase(name);
    }
}
