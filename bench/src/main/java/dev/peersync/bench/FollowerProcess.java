package dev.peersync.bench;

import dev.peersync.core.NodeId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The benchmark's side of a {@link FollowerNode}: its child JVM ({@code -Xmx<heap> -XX:+UseSerialGC}, the same
 * classpath), its output lines, and its death. The JVM exits at its first {@code OutOfMemoryError}
 * ({@code -XX:+ExitOnOutOfMemoryError}): a node that ran out of heap must fail the figure with that reason, not
 * limp on until the timeout. Every wait here ends when the JVM dies, with the reason.
 */
final class FollowerProcess implements AutoCloseable {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private final Process process;
    private final String heap;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final AtomicReference<String> outOfMemory = new AtomicReference<>();
    private final Thread outReader;
    private final Thread errReader;
    private final ExecutorService waiter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "follower-wait");
        t.setDaemon(true);
        return t;
    });
    private final NodeId nodeId;
    private final int port;

    /** Peak memory the follower reported: heap used (sampled every 10 ms) and resident set size, MiB. */
    record Memory(double heapMb, double rssMb) {
    }

    private FollowerProcess(Process process, String heap, PrintStream log, Duration timeout) {
        this.process = process;
        this.heap = heap;
        // The JVM's own "Terminating due to java.lang.OutOfMemoryError" goes to standard output, a stack trace
        // to standard error: either is the reason the figure fails. The child's log goes to ours.
        this.outReader = pump(process.getInputStream(), "follower-out", line -> {
            noteOutOfMemory(line);
            lines.add(line);
        });
        this.errReader = pump(process.getErrorStream(), "follower-err", line -> {
            noteOutOfMemory(line);
            log.println(line);
        });
        String started = awaitLine(FollowerNode.STARTED, timeout);
        this.nodeId = new NodeId(UUID.fromString(field(started, "nodeId")));
        this.port = Integer.parseInt(field(started, "port"));
    }

    /**
     * Starts a follower of {@code peer} on the database at {@code jdbcUrl}; returns once its engine runs.
     * {@code sentinel}: a row the peer holds, whose arrival (with a stored cursor) makes the follower synced.
     */
    static FollowerProcess start(String heap, String jdbcUrl, SyncNode peer, UUID sentinel, int pullBatchRows,
                                 Duration timeout, PrintStream log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), FollowerNode.class.getName(),
                jdbcUrl, peer.nodeId().value().toString(), Integer.toString(peer.port()), sentinel.toString(),
                Integer.toString(pullBatchRows), Long.toString(timeout.toSeconds())));
        Process process = new ProcessBuilder(command).start();
        try {
            return new FollowerProcess(process, heap, log, timeout);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    NodeId nodeId() {
        return nodeId;
    }

    int port() {
        return port;
    }

    /** Until the follower has completed a round with its peer and holds the sentinel row. */
    void awaitSynced(Duration timeout) {
        awaitLine(FollowerNode.SYNCED, timeout);
    }

    /** Runs {@code work} (a wait on the follower's database) and returns its result, unless the follower dies first. */
    <T> T whileAlive(Callable<T> work) throws Exception {
        Future<T> result = waiter.submit(work);
        while (true) {
            try {
                return result.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!process.isAlive()) {
                    result.cancel(true);
                    throw died();
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    /** Asks the follower to stop; returns the peak memory it reports on its way out. */
    Memory stop() throws IOException, InterruptedException {
        try (OutputStream in = process.getOutputStream()) {
            in.write((FollowerNode.STOP + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String line = awaitLine(FollowerNode.MEMORY, EXIT_TIMEOUT);
        if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw died();
        }
        return new Memory(Double.parseDouble(field(line, "heapMb")), Double.parseDouble(field(line, "rssMb")));
    }

    /** The next line starting with {@code word}; fails when the JVM's output ends first or after {@code timeout}. */
    private String awaitLine(String word, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line;
            try {
                line = lines.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the follower's " + word + " line", e);
            }
            if (line != null && (line.equals(word) || line.startsWith(word + " "))) {
                return line;
            }
            if (line == null && !outReader.isAlive() && lines.isEmpty()) {
                throw died(); // its output ended: the JVM is gone
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + word + " line from the follower's JVM within " + timeout);
            }
        }
    }

    /** Why the JVM is gone: out of memory (its own words), or its exit code. */
    private IllegalStateException died() {
        Integer code = null;
        try {
            if (process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                code = process.exitValue();
            }
            // Its last words name the error.
            outReader.join(TimeUnit.SECONDS.toMillis(5));
            errReader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String exit = code == null ? "did not exit" : "exited with " + code;
        String oom = outOfMemory.get();
        return new IllegalStateException(oom != null
                ? "node B's JVM (-Xmx" + heap + ") ran out of memory (" + oom + ") and " + exit
                : "node B's JVM (-Xmx" + heap + ") " + exit + " (see its output above)");
    }

    private void noteOutOfMemory(String line) {
        if (line.contains("OutOfMemoryError")) {
            outOfMemory.compareAndSet(null, line.trim());
        }
    }

    private static Thread pump(InputStream stream, String name, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the stream closed under us: the JVM is being torn down
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in the follower's line: " + line);
    }

    /** Ends the JVM if it still runs (a failed figure). */
    @Override
    public void close() throws InterruptedException {
        waiter.shutdownNow();
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
