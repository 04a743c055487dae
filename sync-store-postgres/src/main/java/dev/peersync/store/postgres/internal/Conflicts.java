package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.DATA;
import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.event.SyncEvent;
import java.time.Clock;
import java.util.UUID;

/**
 * The conflict log ({@code conflicts} in sync-core's schema), written in the apply's transaction, so a resolution and
 * its record commit together. The log is per node: each node records the conflicts it resolves, with both versions and
 * row images as it saw them; the same conflict is usually resolved, and recorded, on several nodes.
 *
 * <p>A conflict is two writes of one row where neither had seen the other: the incoming write replaced a version below
 * the one held here, and the one held here replaced a version below the incoming one ({@code RowChange.previous}).
 * Sequential edits on different nodes are not conflicts; nor is the same version arriving twice.
 */
final class Conflicts {
    private final ApplyRun run;
    private final Clock clock;

    Conflicts(ApplyRun run, Clock clock) {
        this.run = run;
        this.clock = clock;
    }

    /**
     * SQL boolean, for the classification: incoming row {@code i} and the metadata held here {@code c} are two writes
     * where neither had seen the other (both tombstones is not a conflict: nothing is lost either way).
     */
    static String detectSql() {
        return "(c._hlc IS NOT NULL AND (c._hlc, c._origin) <> (i.hlc, i.origin) AND NOT (c._deleted AND i.deleted)"
                + " AND (i.phlc IS NULL OR (c._hlc, c._origin) > (i.phlc, i.porigin))"
                + " AND (c._phlc IS NULL OR (i.hlc, i.origin) > (c._phlc, c._porigin)))";
    }

    /**
     * Records the conflicts the classification found in table {@code t}, with the local row as it is before this apply
     * writes (so before {@link ColumnMerge} and {@link RowWriter}) and the incoming row as received.
     */
    void recordClassified(PgTable t) {
        run.h.createQuery("INSERT INTO " + run.s + ".conflicts AS f (tbl, pk, type, resolution, local_hlc, local_origin,"
                        + " incoming_hlc, incoming_origin, local_row, incoming_row, peer)"
                        + " SELECT i.tbl, i.pk, CASE WHEN i.deleted <> i.local_deleted THEN 'update_delete'"
                        + " WHEN i.phlc IS NULL AND i.local_phlc IS NULL THEN 'insert_insert' ELSE 'update_update' END,"
                        + " CASE i.state WHEN 'win' THEN 'incoming_won' WHEN 'skip' THEN 'local_kept' ELSE 'merged' END,"
                        + " i.local_hlc, i.local_origin, i.hlc, i.origin, to_jsonb(x.*), d.data, i.peer"
                        + " FROM " + IN + " i LEFT JOIN " + DATA + " d ON d.ord = i.ord"
                        + " CROSS JOIN LATERAL " + t.pkColumns("i.pk::jsonb") + " k"
                        + " LEFT JOIN " + t.qualified() + " x ON " + t.pkJoin("x", "k")
                        + " WHERE i.tbl = :t AND i.conflict AND i.state IN ('win', 'skip', 'merge') ORDER BY i.ord"
                        + " RETURNING f.tbl, f.pk, f.type, f.resolution, f.local_hlc, f.local_origin, f.incoming_hlc,"
                        + " f.incoming_origin")
                .bind("t", t.name()).mapToMap().forEach(r -> {
                    run.countConflicts((String) r.get("tbl"), (String) r.get("type"), 1);
                    Version local = new Version((Long) r.get("local_hlc"), new NodeId((UUID) r.get("local_origin")));
                    Version incoming = new Version((Long) r.get("incoming_hlc"),
                            new NodeId((UUID) r.get("incoming_origin")));
                    boolean localKept = "local_kept".equals(r.get("resolution"))
                            || ("merged".equals(r.get("resolution")) && local.isAfter(incoming));
                    run.event(new SyncEvent.ConflictResolved(clock.instant(), (String) r.get("tbl"), (String) r.get("pk"),
                            localKept ? local : incoming, localKept ? incoming : local, (String) r.get("type"),
                            (String) r.get("resolution")));
                });
    }

    /**
     * SQL boolean: batch row {@code i} is not parked here already with the same version. A parked row is applied again
     * at every retry; a retry that parks it again records nothing more (one log entry per parked version).
     */
    private String notParkedAlready() {
        return "NOT EXISTS (SELECT 1 FROM " + run.s + ".parked p WHERE p.tbl = i.tbl AND p.pk = i.pk AND p.hlc = i.hlc"
                + " AND p.origin = i.origin)";
    }

    /**
     * Records one conflict settled outside the classification (a unique collision, a deleted parent's action): the
     * incoming row of batch row {@code ord} against {@code local} (null when none), {@code winner} the version kept.
     */
    void record(int ord, String type, String resolution, Version local, boolean localKept, String detail) {
        var r = run.h.createQuery("INSERT INTO " + run.s + ".conflicts (tbl, pk, type, resolution, local_hlc, local_origin,"
                        + " incoming_hlc, incoming_origin, incoming_row, peer, detail)"
                        + " SELECT i.tbl, i.pk, :type, :resolution, CAST(:lh AS bigint), CAST(:lo AS uuid), i.hlc, i.origin, d.data,"
                        + " i.peer, :detail"
                        + " FROM " + IN + " i LEFT JOIN " + DATA + " d ON d.ord = i.ord WHERE i.ord = :ord"
                        + ("parked".equals(resolution) ? " AND " + notParkedAlready() : "")
                        + " RETURNING tbl, pk, incoming_hlc, incoming_origin")
                .bind("ord", ord).bind("type", type).bind("resolution", resolution).bind("detail", detail)
                .bind("lh", local == null ? null : local.hlc())
                .bind("lo", local == null ? null : local.node().value())
                .mapToMap().findOne().orElse(null);
        if (r == null) {
            return; // parked again by a retry: logged when it was parked first
        }
        run.countConflicts((String) r.get("tbl"), type, 1);
        Version incoming = new Version((Long) r.get("incoming_hlc"), new NodeId((UUID) r.get("incoming_origin")));
        Version other = local == null ? incoming : local;
        run.event(new SyncEvent.ConflictResolved(clock.instant(), (String) r.get("tbl"), (String) r.get("pk"),
                localKept ? other : incoming, localKept ? incoming : other, type, resolution));
    }

    /** Rows parked this batch because their versions are too far ahead of our clock: one record each, once. */
    void recordSkewed() {
        run.h.createQuery("INSERT INTO " + run.s + ".conflicts (tbl, pk, type, resolution, incoming_hlc, incoming_origin,"
                + " incoming_row, peer, detail) SELECT i.tbl, i.pk, 'clock_skew', 'parked', i.hlc, i.origin, d.data, i.peer,"
                + " i.reason FROM " + IN + " i LEFT JOIN " + DATA + " d ON d.ord = i.ord WHERE i.state = 'parked'"
                + " AND i.reason LIKE 'clock_skew%' AND " + notParkedAlready() + " RETURNING tbl").mapTo(String.class)
                .forEach(table -> run.countConflicts(table, "clock_skew", 1));
    }
}
