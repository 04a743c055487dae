package dev.peersync.store.postgres.internal;

import dev.peersync.core.event.SyncEvent;
import java.util.ArrayList;
import java.util.List;
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
    /** The conflict log, written in this apply's transaction. */
    final Conflicts conflicts;

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

    void markParked(int ord, String reason) {
        h.createUpdate("UPDATE " + IN + " SET state = 'parked', reason = :r WHERE ord = :ord")
                .bind("r", reason).bind("ord", ord).execute();
    }

    /** Tells the capture trigger which table the apply is writing ("" when none): it leaves our winners to us. */
    void applying(String table) {
        h.createQuery("SELECT set_config('" + CaptureSql.APPLYING_SETTING + "', :t, true)")
                .bind("t", table).mapTo(String.class).one();
    }
}
