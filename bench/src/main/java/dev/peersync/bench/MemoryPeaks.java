package dev.peersync.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak memory of this JVM, for the nodes that run in a child JVM of their own (figures 4 and 8): heap used,
 * sampled every 10 ms on a daemon thread, and the peak resident set size the kernel records ({@code VmHWM}).
 */
final class MemoryPeaks implements Runnable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong heapPeak = new AtomicLong();
    private volatile boolean running = true;

    private MemoryPeaks() {
    }

    /** Starts sampling heap use. */
    static MemoryPeaks start() {
        MemoryPeaks sampler = new MemoryPeaks();
        Thread t = new Thread(sampler, "heap-sampler");
        t.setDaemon(true);
        t.start();
        return sampler;
    }

    @Override
    public void run() {
        while (running) {
            heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }

    /** Stops sampling; returns the highest heap use seen, in bytes. */
    long stop() {
        running = false;
        return heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }

    /** Peak resident set size of this process in KiB (Linux), -1 elsewhere. */
    static long vmHwmKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        return Files.readAllLines(status).stream()
                .filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElse(-1);
    }
}
