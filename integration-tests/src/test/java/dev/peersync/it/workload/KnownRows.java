package dev.peersync.it.workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Ids of rows the writers have created, per table, shared by the writers of all nodes so that they update and
 * delete each other's rows (the interesting conflicts). An id whose delete was acknowledged is forgotten.
 */
public final class KnownRows {
    private final Map<String, List<String>> ids = new HashMap<>();

    public synchronized void add(String table, String id) {
        ids.computeIfAbsent(table, t -> new ArrayList<>()).add(id);
    }

    public synchronized void remove(String table, String id) {
        List<String> list = ids.get(table);
        if (list != null) {
            list.remove(id);
        }
    }

    public synchronized Optional<String> pick(String table, Random random) {
        List<String> list = ids.get(table);
        if (list == null || list.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(list.get(random.nextInt(list.size())));
    }

    public synchronized int count(String table) {
        return ids.getOrDefault(table, List.of()).size();
    }
}
