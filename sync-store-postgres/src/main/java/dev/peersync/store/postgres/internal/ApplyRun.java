package dev.peersync.store.postgres.internal;

import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.store.ApplyResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * One apply in progress: its transaction's handle, the sync-core schema and the events collected. The batch is in
 * two temporary tables of the connection: {@link #IN} holds each incoming row's key, version and state
 * ({@code new}, {@code win}, {@code skip}, {@code parked}, {@code superseded}), {@link #DATA} the live rows' data.
 */
final class ApplyRun {
    static final String IN = "pg_temp.peersync_incoming";
    static final String DATA = "pg_temp.peersync_incoming_data";
    private static final int MAX_EVENTS = 1000;

    final Handle h;
    /** The sync-core schema, quoted. */
    final String s;
    final int bucketCount;
    /** This node's id as an SQL literal ({@code uuid}): the origin of the versions an apply writes itself. */
    final String me;
    final List<SyncEvent> events = new ArrayList<>();
    /** Every conflict this apply recorded in the log, by table and type ({@link #events} is capped). */
    final Map<ApplyResult.ConflictKind, Integer> conflictCounts = new HashMap<>();
    /** The conflict log, written in this apply's transaction. */
    final Conflicts conflicts;
    /** True once a row of this apply was parked: parking's statements run only then. */
    private boolean parked;

    ApplyRun(Handle h, String s, int bucketCount, dev.peersync.core.NodeId node, java.time.Clock clock) {
        this.h = h;
        this.s = s;
        this.bucketCount = bucketCount;
        this.me = Sql.literal(node.toString()) + "::uuid";
        this.conflicts = new Conflicts(this, clock);
    }

    /** Events are capped per apply: a batch of conflicts must not become a batch of events without bound. */
    void event(SyncEvent e) {
        if (events.size() < MAX_EVENTS) {
            events.add(e);
        }
    }

    void countConflicts(String table, String type, int count) {
        conflictCounts.merge(new ApplyResult.ConflictKind(table, type), count, Integer::sum);
    }

    boolean parkedAny() {
        return parked;
    }

    /** Notes that rows were parked by a statement other than {@link #markParked}. */
    void noteParked() {
        parked = true;
    }

    void markParked(int ord, String reason) {
        parked = true;
        h.createUpdate("UPDATE " + IN + " SET state = 'parked', reason = :r WHERE ord = :ord")
                .bind("r", reason).bind("ord", ord).execute();
    }

    /**
     * Runs {@code sql} with the capture trigger told which table the apply is writing ({@code table}, "" when none: it
     * leaves our winners to us), all in one round trip. A failing statement leaves the setting to the savepoint the
     * caller rolls back to (a local setting is undone with it).
     */
    void executeApplying(String table, String sql) {
        h.execute(settings(Sql.literal(table), null) + "; " + sql + "; " + settings("''", null));
    }

    /**
     * Runs {@code sql}, a statement that writes exactly {@code table}'s winners of this batch, telling the capture
     * trigger so ({@link CaptureSql#WINNERS_SETTING}): it skips the per-row check of {@link #executeApplying}.
     */
    void executeWinners(String table, String sql) {
        h.execute(settings(Sql.literal(table), Sql.literal(table)) + "; " + sql + "; " + settings("''", "''"));
    }

    /** The capture trigger's transaction-local settings, as one statement; {@code winners} null leaves it alone. */
    private static String settings(String applying, String winners) {
        return "SELECT set_config('" + CaptureSql.APPLYING_SETTING + "', " + applying + ", true)"
                + (winners == null ? "" : ", set_config('" + CaptureSql.WINNERS_SETTING + "', " + winners + ", true)");
    }
}
