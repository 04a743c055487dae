package dev.peersync.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A fresh database on each of the servers A, B and C, each with the (empty) benchmark table: the three nodes of
 * the mesh figure (7).
 *
 * @param a   server A
 * @param dbA database on A
 * @param b   server B
 * @param dbB database on B
 * @param c   server C
 * @param dbC database on C
 */
record MeshDatabases(PgServer a, String dbA, PgServer b, String dbB, PgServer c, String dbC) {

    static MeshDatabases create(PgServer a, PgServer b, PgServer c, String prefix) throws SQLException {
        MeshDatabases dbs = new MeshDatabases(a, a.createDatabase(prefix + "_a"), b, b.createDatabase(prefix + "_b"),
                c, c.createDatabase(prefix + "_c"));
        try (Connection ca = dbs.connectA(); Connection cb = dbs.connectB(); Connection cc = dbs.connectC()) {
            ReviewRows.createTable(ca);
            ReviewRows.createTable(cb);
            ReviewRows.createTable(cc);
        }
        return dbs;
    }

    Connection connectA() throws SQLException {
        return a.connect(dbA);
    }

    Connection connectB() throws SQLException {
        return b.connect(dbB);
    }

    Connection connectC() throws SQLException {
        return c.connect(dbC);
    }

    void drop() {
        c.dropDatabase(dbC);
        b.dropDatabase(dbB);
        a.dropDatabase(dbA);
    }
}
