package dev.peersync.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own, made with the PostgreSQL programs installed on the machine ({@code initdb},
 * {@code pg_ctl}), with that version's {@code pg_dump}, {@code pg_restore} and {@code pg_basebackup}: for tests that
 * need what the shared embedded server cannot give, a backup taken with the real tools and restored, logically into a
 * fresh cluster (whose transaction ids start again from a low value) or physically (ids back at the backup's). As root (CI) the server runs as {@code nobody}, since PostgreSQL
 * refuses to run as root. The programs: {@code PEERSYNC_PG_BIN}, else the newest {@code /usr/lib/postgresql/N/bin}.
 */
public final class LocalPgCluster implements AutoCloseable {
    private static final List<String> PROGRAMS = List.of("initdb", "pg_ctl", "pg_dump", "pg_restore", "pg_basebackup");
    private static final String NOBODY = "65534";

    private final Path bin;
    private final Path directory;
    private final int port;
    /** Server settings ({@code name=value}) beyond the ones every test cluster gets. */
    private final List<String> settings;

    private LocalPgCluster(Path bin, Path directory, int port, List<String> settings) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
        this.settings = List.copyOf(settings);
    }

    /** Where the installed PostgreSQL programs are, if they are. */
    public static Optional<Path> binaries() {
        String configured = System.getenv("PEERSYNC_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(LocalPgCluster::complete);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(LocalPgCluster::complete)
                    .max(Comparator.comparingInt(LocalPgCluster::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Requires the programs: skipped outside CI, failed under CI when they are missing. */
    public static void require() {
        Prerequisite.require(binaries().isPresent(), "PostgreSQL's programs (initdb, pg_ctl, pg_dump, pg_restore, pg_basebackup)",
                "install them (Debian/Ubuntu: apt-get install -y postgresql) or set PEERSYNC_PG_BIN to their directory");
    }

    /** Creates (initdb) and starts a new cluster on a free port of 127.0.0.1. */
    public static LocalPgCluster start(String name) {
        return start(name, List.of());
    }

    /** {@link #start(String)} with server settings ({@code name=value}, e.g. {@code jit_above_cost=0}). */
    public static LocalPgCluster start(String name, List<String> settings) {
        LocalPgCluster cluster = create(name, settings);
        cluster.runAsOwner(List.of(cluster.bin.resolve("initdb").toString(), "-D", cluster.data().toString(), "-U",
                "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"));
        cluster.startServer();
        return cluster;
    }

    /**
     * A base backup of this cluster ({@code pg_basebackup}, WAL included), started as a cluster of its own on another
     * port: what restoring a physical backup gives, the transaction ids back where they were at the backup.
     */
    public LocalPgCluster baseBackup(String name) {
        LocalPgCluster copy = create(name, settings);
        runAsOwner(List.of(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "postgres", "-D", copy.data().toString(), "--wal-method=stream", "--checkpoint=fast", "--no-sync"));
        return copy;
    }

    /** Starts the server of a cluster made by {@link #baseBackup}. */
    public LocalPgCluster restored() {
        startServer();
        return this;
    }

    private static LocalPgCluster create(String name, List<String> settings) {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("no PostgreSQL programs found"));
        try {
            Path directory = Files.createTempDirectory("pg-" + name + "-");
            if (isRoot()) {
                run(List.of("chown", NOBODY + ":" + NOBODY, directory.toString()));
            }
            return new LocalPgCluster(bin, directory, FreePorts.tcp(), settings);
        } catch (IOException e) {
            throw new IllegalStateException("Could not make a directory for a PostgreSQL cluster: " + e.getMessage(), e);
        }
    }

    private void startServer() {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-w",
                "-l", directory.resolve("server.log").toString(), "-o", "-p " + port + " -k "
                        + directory + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
                        + settings.stream().map(setting -> " -c " + setting).collect(java.util.stream.Collectors.joining()),
                "start"));
    }

    /** Creates an empty database in this cluster. */
    public TestDatabase createDatabase(String name) {
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + ": " + e.getMessage(), e);
        }
        return new TestDatabase(name, url(name), "postgres", "");
    }

    /** {@code pg_dump --format=custom} of a database of this cluster into {@code file}. */
    public void dump(String database, Path file) {
        run(List.of(bin.resolve("pg_dump").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres",
                "--format=custom", "--file=" + file, database));
    }

    /** {@code pg_restore} of a dump into a database of this cluster (an empty one, as after createDatabase). */
    public void restore(Path file, String database) {
        run(List.of(bin.resolve("pg_restore").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U",
                "postgres", "--exit-on-error", "--dbname=" + database, file.toString()));
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        try {
            runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "stop"));
        } catch (RuntimeException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    private Path data() {
        return directory.resolve("data");
    }

    private void runAsOwner(List<String> command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
    }

    private static boolean complete(Path bin) {
        return PROGRAMS.stream().allMatch(p -> Files.isExecutable(bin.resolve(p)));
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
