package dev.peersync.core.store;

import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import java.util.List;
import java.util.Map;

/**
 * What applying rows did.
 *
 * @param applied         rows written (the incoming version won)
 * @param skipped         rows ignored because the local version was the same or higher
 * @param parked          rows parked (missing parent, unique collision, clock skew)
 * @param appliedPerTable rows written per table
 * @param events          conflicts, parked rows, skew reports: emitted by the engine after commit
 * @param perOrigin       the rows by the node that wrote their versions
 * @param conflicts       the conflicts recorded in the log, per table and type: every one, where {@code events}
 *                        carries at most a bounded number per apply
 */
public record ApplyResult(int applied, int skipped, int parked, Map<String, Integer> appliedPerTable,
                          List<SyncEvent> events, Map<NodeId, OriginCounts> perOrigin,
                          Map<ConflictKind, Integer> conflicts) {
    public ApplyResult {
        appliedPerTable = Map.copyOf(appliedPerTable);
        events = List.copyOf(events);
        perOrigin = Map.copyOf(perOrigin);
        conflicts = Map.copyOf(conflicts);
    }

    /** A table and a conflict type of the log ({@code update_update}, {@code unique_collision}, ...). */
    public record ConflictKind(String table, String type) {
    }

    public ApplyResult(int applied, int skipped, int parked, Map<String, Integer> appliedPerTable,
                       List<SyncEvent> events, Map<NodeId, OriginCounts> perOrigin) {
        this(applied, skipped, parked, appliedPerTable, events, perOrigin, Map.of());
    }

    public ApplyResult(int applied, int skipped, int parked, Map<String, Integer> appliedPerTable,
                       List<SyncEvent> events) {
        this(applied, skipped, parked, appliedPerTable, events, Map.of());
    }

    /**
     * What to publish once the apply committed: its {@link #events} (capped), then one {@link
     * SyncEvent.ConflictsLogged} per table and conflict type (every conflict, counted), in table and type order.
     */
    public List<SyncEvent> eventsToPublish(java.time.Instant at) {
        if (conflicts.isEmpty()) {
            return events;
        }
        List<SyncEvent> all = new java.util.ArrayList<>(events);
        conflicts.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(ConflictKind::table)
                        .thenComparing(ConflictKind::type)))
                .forEach(e -> all.add(new SyncEvent.ConflictsLogged(at, e.getKey().table(), e.getKey().type(),
                        e.getValue())));
        return all;
    }

    public static ApplyResult empty() {
        return new ApplyResult(0, 0, 0, Map.of(), List.of());
    }

    /** The sum of several results (events in order). */
    public static ApplyResult sum(List<ApplyResult> results) {
        int applied = 0;
        int skipped = 0;
        int parked = 0;
        Map<String, Integer> perTable = new java.util.LinkedHashMap<>();
        List<SyncEvent> events = new java.util.ArrayList<>();
        Map<NodeId, OriginCounts> perOrigin = new java.util.HashMap<>();
        Map<ConflictKind, Integer> conflicts = new java.util.HashMap<>();
        for (ApplyResult r : results) {
            applied += r.applied();
            skipped += r.skipped();
            parked += r.parked();
            r.appliedPerTable().forEach((t, n) -> perTable.merge(t, n, Integer::sum));
            events.addAll(r.events());
            r.perOrigin().forEach((o, c) -> perOrigin.merge(o, c, OriginCounts::plus));
            r.conflicts().forEach((k, n) -> conflicts.merge(k, n, Integer::sum));
        }
        return new ApplyResult(applied, skipped, parked, perTable, events, perOrigin, conflicts);
    }
}
