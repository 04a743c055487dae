package dev.peersync.store.postgres.internal;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * COPY for the bulk paths that write rows without the merge rule's steps ({@link PageCopy}, {@link NewRowsApply}): any
 * failure means the rows cannot take that path ({@link NotNew}), and the caller rolls back to its savepoint and lets the
 * merge rule's path settle them.
 */
final class BulkCopy {
    private BulkCopy() {
    }

    /** The rows cannot take a bulk path; nothing it wrote may be kept (the caller rolls back to its savepoint). */
    static final class NotNew extends RuntimeException {
        NotNew(String message, Throwable cause) {
            super(message, cause, false, false);
        }

        NotNew(String message) {
            this(message, null);
        }
    }

    /** Runs {@code sql}, a {@code COPY ... FROM STDIN}, with {@code text} as its input. */
    static void copyIn(Handle h, String sql, InputStream text) {
        try {
            h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(sql, text);
        } catch (SQLException | IOException e) {
            throw new NotNew(e.getMessage(), e);
        }
    }
}
