package dev.peersync.core.store;

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
 */
public record ApplyResult(int applied, int skipped, int parked, Map<String, Integer> appliedPerTable,
                          List<SyncEvent> events) {
    public ApplyResult {
        appliedPerTable = Map.copyOf(appliedPerTable);
        events = List.copyOf(events);
    }

    public static ApplyResult empty() {
        return new ApplyResult(0, 0, 0, Map.of(), List.of());
    }
}
