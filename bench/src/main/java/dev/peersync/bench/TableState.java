package dev.peersync.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a table holds, read from the database itself (independent of any sync metadata): the row count and an
 * order-independent content hash (XOR of a 64-bit hash of every whole row). Two tables with equal count and
 * hash hold the same rows.
 *
 * @param rows row count
 * @param hash XOR over rows of the first 64 bits of md5(row as text)
 */
record TableState(long rows, long hash) {
    private static final String STATE_SQL = "SELECT count(*), coalesce(bit_xor(('x' || substr(md5(r::text), 1, 16))"
            + "::bit(64)::bigint), 0) FROM " + ReviewRows.TABLE + " r";

    static TableState read(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'"); // row text includes timestamptz: make it the same on every server
            try (ResultSet rs = s.executeQuery(STATE_SQL)) {
                rs.next();
                return new TableState(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + ReviewRows.TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Waits until the table on {@code target} equals the expected state and returns the {@link System#nanoTime()}
     * at which it was first seen complete. Cheap probes first: the newest rows written ({@code sentinels}, looked
     * up by primary key) are polled every {@code pollMicros}; once all are present the whole table is checked
     * (count and hash) against {@code expectedState}, read only then so that its cost does not delay the
     * probes; if it is not yet equal, the count is polled until it is. The time returned is that of
     * the probe which saw the completing state, never the end of the (slower) verification.
     */
    static long awaitEqual(Connection target, List<UUID> sentinels, Callable<TableState> expectedState,
                           Duration timeout, long pollMicros) throws Exception {
        return awaitEqual(target, sentinels, "true", expectedState, timeout, pollMicros);
    }

    /** The same, the sentinels counted only where {@code condition} (SQL on the table's row) holds. */
    static long awaitEqual(Connection target, List<UUID> sentinels, String condition, Callable<TableState> expectedState,
                           Duration timeout, long pollMicros) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seenAt;
        try (PreparedStatement ps = target.prepareStatement("SELECT count(*) FROM " + ReviewRows.TABLE
                + " WHERE id = ANY(?) AND (" + condition + ")")) {
            Array ids = target.createArrayOf("uuid", sentinels.toArray());
            ps.setArray(1, ids);
            long present = -1;
            while (true) {
                long probeAt = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    present = rs.getLong(1);
                }
                if (present == sentinels.size()) {
                    seenAt = probeAt;
                    break;
                }
                failIfLate(deadline, timeout, "newest rows present: " + present + " of " + sentinels.size());
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pollMicros));
            }
        }
        TableState expected = expectedState.call();
        TableState seen = read(target);
        long countNanos = 0;
        while (!seen.equals(expected)) {
            failIfLate(deadline, timeout, "table state " + seen + ", expected " + expected);
            // At least 20 ms, and twice as long as a count takes: counting must not take the servers' CPU.
            LockSupport.parkNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(20), 2 * countNanos));
            long probeAt = System.nanoTime();
            boolean complete = count(target) == expected.rows();
            countNanos = System.nanoTime() - probeAt;
            if (complete) {
                seen = read(target);
                seenAt = probeAt;
            }
        }
        return seenAt;
    }

    private static void failIfLate(long deadline, Duration timeout, String lastSeen) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Replica did not converge within " + timeout + "; last seen: " + lastSeen);
        }
    }
}
