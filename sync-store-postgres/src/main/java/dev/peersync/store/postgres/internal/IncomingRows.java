package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.DATA;
import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.RowChange;
import java.io.IOException;
import java.io.StringReader;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/** Loads a batch into the apply's temporary tables with COPY, the fastest way in. */
final class IncomingRows {
    private IncomingRows() {
    }

    /**
     * Batches of at least this many rows refresh the temp tables' statistics and are emptied with TRUNCATE; smaller
     * ones keep the statistics of an earlier batch (one-row batches of live sync need no new plan) and are emptied
     * with DELETE (a TRUNCATE costs about a millisecond: files are cut, buffers dropped).
     */
    static final int LARGE = 100;

    /**
     * The function that creates the apply's temp tables when this session has none yet ({@code s} the sync-core
     * schema, quoted): one call per apply, instead of CREATE ... IF NOT EXISTS statements that each took a lookup and
     * sent a notice. ON COMMIT PRESERVE ROWS: an apply empties them itself ({@link #emptied}), since the truncation
     * ON COMMIT DELETE ROWS made at every commit was a millisecond of each one-row apply.
     */
    static String tablesFunction(String s) {
        return "CREATE OR REPLACE FUNCTION " + s + ".apply_tables() RETURNS void LANGUAGE plpgsql AS $$\n"
                + "BEGIN\n"
                + "  IF to_regclass('pg_temp.peersync_incoming_data') IS NULL THEN\n"
                // Half-full pages: the classification's in-place updates stay on the page (HOT, no index entries).
                + "    CREATE TEMP TABLE IF NOT EXISTS peersync_incoming (ord int PRIMARY KEY, tbl text NOT NULL,"
                + " pk text NOT NULL, hlc bigint NOT NULL, origin uuid NOT NULL,"
                + " deleted boolean NOT NULL, peer uuid NOT NULL, state text NOT NULL DEFAULT 'new',"
                + " reason text, local_hlc bigint, local_origin uuid, derived boolean NOT NULL DEFAULT false,"
                + " otx xid8, claim_round int, cv jsonb, merged boolean NOT NULL DEFAULT false,"
                + " renamed text[], phlc bigint, porigin uuid, local_phlc bigint, local_porigin uuid,"
                + " local_deleted boolean, conflict boolean NOT NULL DEFAULT false, bucket int, hash bigint)"
                + " WITH (fillfactor = 50) ON COMMIT PRESERVE ROWS;\n"
                + "    CREATE INDEX IF NOT EXISTS peersync_incoming_key ON pg_temp.peersync_incoming (tbl, pk);\n"
                + "    CREATE TEMP TABLE IF NOT EXISTS peersync_incoming_data (ord int PRIMARY KEY, data jsonb)"
                + " ON COMMIT PRESERVE ROWS;\n"
                + "  END IF;\n"
                + "END $$";
    }

    /**
     * Empties the temp tables at the end of an apply, in its transaction: they are empty whenever an apply starts
     * (an apply that fails is rolled back with the rows it loaded).
     */
    static String emptied(int rows) {
        return rows >= LARGE ? "TRUNCATE " + IN + ", " + DATA : "DELETE FROM " + IN + "; DELETE FROM " + DATA;
    }

    /**
     * The rows' versions into {@link ApplyRun#IN}, the live rows' data into {@link ApplyRun#DATA}; {@code s} is the
     * sync-core schema (quoted).
     */
    static void load(Handle h, String s, int bucketCount, List<Incoming> rows) {
        StringBuilder copy = new StringBuilder(rows.size() * 128);
        StringBuilder data = new StringBuilder(rows.size() * 512);
        for (int i = 0; i < rows.size(); i++) {
            RowChange c = rows.get(i).change();
            copy.append(i).append('\t');
            copyField(copy, c.table()).append('\t');
            copyField(copy, c.pk()).append('\t');
            copy.append(c.hlc()).append('\t').append(c.origin()).append('\t').append(c.deleted()).append('\t');
            copy.append(rows.get(i).peer()).append('\t').append(c.derived()).append('\t');
            if (c.originTx() > 0) {
                copy.append(c.originTx()).append('\t');
            } else {
                copy.append("\\N\t");
            }
            String columns = canonicalColumns(c);
            copyField(copy, columns).append('\t');
            if (c.previous() != null) {
                copy.append(c.previous().hlc()).append('\t').append(c.previous().node()).append('\t');
            } else {
                copy.append("\\N\t\\N\t");
            }
            // The key's bucket and the version's row hash, which the metadata stores: two md5 per row computed here
            // instead of in the database. Only for rows without column versions (their hash takes the jsonb text of
            // the versions as PostgreSQL prints it); every later step that changes a row's key, flags or column
            // versions clears them, and the database computes what is null.
            copy.append(DigestHash.bucketOf(c.pk(), bucketCount)).append('\t');
            if (columns == null) {
                copy.append(DigestHash.rowHash(c.pk(), c.hlc(), c.origin(), c.deleted())).append('\n');
            } else {
                copy.append("\\N\n");
            }
            if (!c.deleted()) {
                copyField(data.append(i).append('\t'), c.data()).append('\n');
            }
        }
        try {
            CopyManager copyManager = h.getConnection().unwrap(PGConnection.class).getCopyAPI();
            copyManager.copyIn("COPY " + IN + " (ord, tbl, pk, hlc, origin, deleted, peer, derived, otx, cv, phlc, porigin,"
                    + " bucket, hash)"
                    + " FROM STDIN",
                    new StringReader(copy.toString()));
            copyManager.copyIn("COPY " + DATA + " (ord, data) FROM STDIN", new StringReader(data.toString()));
        } catch (SQLException | IOException e) {
            throw new IllegalArgumentException("rows could not be read (bad key or data JSON?): " + e.getMessage()
                    + "; nothing was applied", e);
        }
        // Keys are read as JSON arrays by every later statement: a bad one fails here, before anything is written.
        long badKeys;
        try {
            badKeys = h.createQuery("SELECT count(*) FROM " + IN + " WHERE jsonb_typeof(pk::jsonb) <> 'array'")
                    .mapTo(Long.class).one();
        } catch (StatementException e) {
            throw new IllegalArgumentException("rows could not be read (bad key JSON?): " + e.getMessage()
                    + "; nothing was applied", e);
        }
        if (badKeys > 0) {
            throw new IllegalArgumentException(badKeys + " row(s) have a key that is not a JSON array of key values;"
                    + " nothing was applied");
        }
        // Statistics for the join columns only: the planner must know the batch is not empty.
        if (rows.size() >= LARGE) {
            h.execute("ANALYZE " + IN + " (ord, tbl, pk, state); ANALYZE " + DATA + " (ord)");
        }
    }

    /**
     * The row's column versions made canonical, as {@code cv_normal} does in SQL for other paths: only versions below
     * the row's own, none for a tombstone, null for none. Here, in Java, while the batch is written for COPY: in SQL
     * it was a set-returning function and an aggregate per row, 14 us each in a batch of updates.
     *
     * @throws IllegalArgumentException when they are not {@code {"column": [hlc, "node"], ...}} (nothing is applied)
     */
    static String canonicalColumns(RowChange c) {
        return canonicalColumns(c.columns(), c.hlc(), c.origin(), c.deleted());
    }

    /** The same for the column versions {@code columns} of a version (hlc, origin, deleted). */
    static String canonicalColumns(String columns, long hlc, dev.peersync.core.NodeId origin, boolean deleted) {
        if (columns == null || deleted) {
            return null;
        }
        dev.peersync.core.Version row = new dev.peersync.core.Version(hlc, origin);
        java.util.Map<String, dev.peersync.core.Version> below = new java.util.TreeMap<>();
        try {
            dev.peersync.core.ColumnVersions.parse(columns).forEach((column, v) -> {
                if (v.compareTo(row) < 0) {
                    below.put(column, v);
                }
            });
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rows could not be read (bad column versions): " + e.getMessage()
                    + "; nothing was applied", e);
        }
        return dev.peersync.core.ColumnVersions.format(below);
    }

    /** A value in COPY text format: backslash, tab, newline and carriage return escaped; null as \\N. */
    static StringBuilder copyField(StringBuilder out, String value) {
        if (value == null) {
            return out.append("\\N");
        }
        int clean = 0;
        while (clean < value.length() && "\\\t\n\r".indexOf(value.charAt(clean)) < 0) {
            clean++;
        }
        out.append(value, 0, clean); // the usual case: nothing to escape, one bulk copy
        for (int i = clean; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
    }
}
