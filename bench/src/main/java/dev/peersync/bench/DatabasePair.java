package dev.peersync.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A fresh database on server A and one on server B, each with the (empty) benchmark table.
 *
 * @param a   server A
 * @param dbA database on A
 * @param b   server B
 * @param dbB database on B
 */
record DatabasePair(PgServer a, String dbA, PgServer b, String dbB) {

    static DatabasePair create(PgServer a, PgServer b, String prefix) throws SQLException {
        DatabasePair pair = new DatabasePair(a, a.createDatabase(prefix + "_a"), b, b.createDatabase(prefix + "_b"));
        try (Connection ca = pair.connectA(); Connection cb = pair.connectB()) {
            ReviewRows.createTable(ca);
            ReviewRows.createTable(cb);
        }
        return pair;
    }

    Connection connectA() throws SQLException {
        return a.connect(dbA);
    }

    Connection connectB() throws SQLException {
        return b.connect(dbB);
    }

    void drop() {
        b.dropDatabase(dbB);
        a.dropDatabase(dbA);
    }
}
