package dev.peersync.core.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Rows applied and served per table, since start. Thread-safe. */
final class TableCounters {
    private final List<String> tables;
    private final Clock clock;
    private final Map<String, AtomicLong> applied = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Instant>> lastApplied = new ConcurrentHashMap<>();

    TableCounters(List<String> tables, Clock clock) {
        this.tables = List.copyOf(tables);
        this.clock = clock;
        for (String table : tables) {
            applied.put(table, new AtomicLong());
            served.put(table, new AtomicLong());
            lastApplied.put(table, new AtomicReference<>());
        }
    }

    void applied(Map<String, Integer> perTable) {
        Instant now = clock.instant();
        perTable.forEach((table, count) -> {
            if (count > 0 && applied.containsKey(table)) {
                applied.get(table).addAndGet(count);
                lastApplied.get(table).set(now);
            }
        });
    }

    void served(String table, int count) {
        AtomicLong counter = served.get(table);
        if (counter != null) {
            counter.addAndGet(count);
        }
    }

    List<TableSyncStatus> snapshot() {
        return tables.stream()
                .map(t -> new TableSyncStatus(t, applied.get(t).get(), served.get(t).get(), lastApplied.get(t).get()))
                .toList();
    }

    long totalApplied() {
        return applied.values().stream().mapToLong(AtomicLong::get).sum();
    }

    long totalServed() {
        return served.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
