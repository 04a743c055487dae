package dev.peersync.store.postgres.internal;

import org.jdbi.v3.core.Handle;

/**
 * The lock that orders an installation's applies, snapshot page loads and registrations of added columns, held until
 * the transaction ends. An empty table of the schema locked in three modes, which an advisory lock (shared or
 * exclusive) cannot give:
 * <ul>
 *   <li>applies (ROW EXCLUSIVE) run together: they wait for each other only on the keys they share;</li>
 *   <li>snapshot page loads (SHARE) run together: a join's pages hold disjoint keys, and their plain inserts fail on
 *       any key another writer holds. But never beside an apply, whose classification must see a page's rows or wait
 *       for them;</li>
 *   <li>a registration of added columns (EXCLUSIVE) waits for both and swaps the layout before it commits, so neither
 *       writes with a layout from before it. Taken before the layout is read.</li>
 * </ul>
 * The statements that run inside one of these (the merge rule's steps for a page that is not all new) take nothing
 * more: a second mode in the same transaction would wait for the other holders of the first.
 */
final class ApplyGate {
    private final String table;

    ApplyGate(String quotedSchema) {
        this.table = quotedSchema + ".apply_gate";
    }

    /**
     * Before the layout is read: a registration of added columns waits for it and swaps the layout before it commits,
     * so an apply never writes with a layout from before it.
     */
    void forApply(Handle h) {
        h.execute("LOCK TABLE " + table + " IN ROW EXCLUSIVE MODE");
    }

    void forSnapshotPage(Handle h) {
        h.execute("LOCK TABLE " + table + " IN SHARE MODE");
    }

    void forSchemaChange(Handle h) {
        h.execute("LOCK TABLE " + table + " IN EXCLUSIVE MODE");
    }
}
