package dev.peersync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The machine a benchmark ran on, read at start: CPU, memory, OS, JVM, PostgreSQL, and the load average
 * (other work on the machine changes every figure, so it is printed with them).
 */
record MachineInfo(String cpu, int cores, String memory, String os, String jvm, String postgres, String loadAverage,
                   Instant at) {

    static MachineInfo collect(String postgres) {
        return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(), memTotal(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                postgres,
                currentLoadAverage(), Instant.now());
    }

    /** "1-min 5-min 15-min" load averages from /proc/loadavg, or "unknown" off Linux. */
    static String currentLoadAverage() {
        return firstLine(Path.of("/proc/loadavg"))
                .map(l -> String.join(" ", List.of(l.split(" ")).subList(0, 3)))
                .orElse("unknown");
    }

    private static String cpuModel() {
        return lines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElse(System.getProperty("os.arch"));
    }

    private static String memTotal() {
        return lines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> {
                    long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
                    return String.format(java.util.Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                })
                .findFirst()
                .orElse("unknown");
    }

    private static Optional<String> firstLine(Path file) {
        return lines(file).stream().findFirst();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of("unreadable: " + e.getMessage());
        }
    }

    List<String> describe() {
        return List.of(
                "date:      " + at,
                "cpu:       " + cpu + ", " + cores + " cores available to the JVM",
                "memory:    " + memory,
                "os:        " + os,
                "jvm:       " + jvm + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB",
                "database:  " + postgres + " (server A; B, and C of figure 7, the same but wal_level=replica)",
                "load avg:  " + loadAverage + " at start");
    }
}
