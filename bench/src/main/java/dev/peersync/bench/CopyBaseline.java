package dev.peersync.bench;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.postgresql.PGConnection;

/**
 * The dump-and-restore baseline of the bootstrap figure: A's table streamed into an empty table on B with
 * {@code COPY ... TO STDOUT} piped into {@code COPY ... FROM STDIN} through a 1 MiB pipe, which is what
 * {@code pg_dump --data-only | psql} does for one table, with bounded memory. (The machine's pg_dump is older
 * than the embedded server and refuses to dump it, so the stream is driven from here over JDBC.)
 */
final class CopyBaseline {
    private static final int PIPE_BYTES = 1 << 20;

    private CopyBaseline() {
    }

    /** Copies every row of the table from {@code source} into the (empty) table on {@code target}; returns rows. */
    static long copy(Connection source, Connection target) throws IOException, InterruptedException, ExecutionException,
            java.sql.SQLException {
        PipedInputStream in = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream out = new PipedOutputStream(in);
        CompletableFuture<Long> dump = CompletableFuture.supplyAsync(() -> {
            try (PipedOutputStream o = out) {
                return source.unwrap(PGConnection.class).getCopyAPI()
                        .copyOut("COPY " + ReviewRows.TABLE + " TO STDOUT", o);
            } catch (IOException | java.sql.SQLException e) {
                throw new IllegalStateException("COPY out of the source failed: " + e.getMessage(), e);
            }
        });
        long restored;
        try (PipedInputStream i = in) {
            restored = target.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + ReviewRows.TABLE + " FROM STDIN", i);
        }
        long dumped = dump.get();
        if (dumped != restored) {
            throw new IllegalStateException("COPY baseline dumped " + dumped + " rows but restored " + restored);
        }
        return restored;
    }
}
