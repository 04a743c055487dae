package dev.peersync.it.workload;

import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.fixture.ClusterNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@link SqlWriter} thread per node, paced to a rate, writing until {@link #stop()}; a writer can be paused
 * (its node is down and serves no clients) and resumed.
 */
public final class Workload implements AutoCloseable {
    private final Map<String, SqlWriter> writers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> paused = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final long pauseNanos;
    private volatile boolean running;

    /**
     * @param seed         the run's seed: each writer's choices derive from it, and it names the pool of usernames the
     *                     writers share ({@link #poolOf}: {@code pool-<seed in hex>-0} .. {@code -4}), new for every run
     * @param opsPerSecond per writer; 0 for as fast as it goes
     */
    public Workload(List<ClusterNode> nodes, WriteHistory history, KnownRows known, long seed,
                    int opsPerSecond) {
        this.pauseNanos = opsPerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / opsPerSecond;
        for (ClusterNode node : nodes) {
            writers.put(node.name(), new SqlWriter(node.name(), node.dataSource(), history, known,
                    seed * 31 + node.number(), poolOf(seed)));
            paused.put(node.name(), false);
        }
    }

    /** The prefix of the usernames shared by the writers of the run of {@code seed}. */
    public static String poolOf(long seed) {
        return "pool-" + Long.toHexString(seed);
    }

    public Workload start() {
        running = true;
        for (Map.Entry<String, SqlWriter> entry : writers.entrySet()) {
            Thread thread = new Thread(() -> loop(entry.getKey(), entry.getValue()), "writer-" + entry.getKey());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        return this;
    }

    private void loop(String node, SqlWriter writer) {
        try {
            while (running) {
                if (!paused.get(node)) {
                    writer.step();
                }
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos); // pacing of the writer, not a wait for sync
                }
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        } finally {
            writer.close();
        }
    }

    public void pause(ClusterNode node) {
        paused.put(node.name(), true);
    }

    public void resume(ClusterNode node) {
        paused.put(node.name(), false);
    }

    /** Acknowledged writes so far, all writers. */
    public long acknowledged() {
        return writers.values().stream().mapToLong(SqlWriter::acknowledged).sum();
    }

    /** Stops the writers and waits for them; fails if a writer broke. */
    public void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while stopping the writers", e);
            }
        }
        threads.clear();
        Throwable broken = failure.get();
        if (broken != null) {
            throw new AssertionError("A writer failed: " + broken, broken);
        }
    }

    @Override
    public void close() {
        running = false;
    }
}
