package dev.peersync.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Values measured during a benchmark, by metric key (one value per run, or per sample), and the reasons
 * metrics could not be measured. Workloads only add; the report reads.
 */
final class Results {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    synchronized void add(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value of " + key + " must be finite, got: " + value);
        }
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    /** Records why {@code key} could not be measured (the first reason is kept). */
    synchronized void fail(String key, String reason) {
        failures.putIfAbsent(key, reason);
    }

    /** A free-text observation printed under the table (what limited a figure, a warning). */
    synchronized void note(String text) {
        notes.add(text);
    }

    synchronized Optional<Summary> summary(String key) {
        List<Double> list = values.get(key);
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(Summary.of(list));
    }

    synchronized Optional<String> failure(String key) {
        return Optional.ofNullable(failures.get(key));
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    synchronized Map<String, String> failures() {
        return Map.copyOf(failures);
    }
}
