package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import dev.peersync.core.MergeRule;
import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.event.SyncEvent;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for each incoming row, {@code win}, {@code skip} or {@code merge} (column by column, see {@link ColumnMerge})
 * against what this node holds, by the {@link MergeRule},
 * with the rows locked so that no other apply or local writer can change them before this apply commits:
 * <ol>
 *   <li>the local data rows and metadata rows of the batch's keys are locked {@code FOR UPDATE}, in key order (the
 *       same order in every apply, and data before metadata as local writers take them);</li>
 *   <li>the rows are classified against the metadata, read after the locks were granted;</li>
 *   <li>keys that have no metadata row yet cannot be locked: the apply claims them by inserting their metadata with
 *       the incoming version ({@code ON CONFLICT DO NOTHING}, which waits for a concurrent insert of the same key to
 *       end). A key another transaction created meanwhile is classified again against its committed version.</li>
 * </ol>
 * So applies from different peers run at the same time and wait for each other only on the keys they share.
 */
final class Classifier {
    private static final Logger log = LoggerFactory.getLogger(Classifier.class);
    /** A key is lost to a concurrent creator at most once per attempt; more means something keeps racing us. */
    private static final int MAX_CLAIM_ROUNDS = 5;

    private final ApplyRun run;
    private final long maxOffsetMillis;
    private final Clock clock;

    Classifier(ApplyRun run, long maxOffsetMillis, Clock clock) {
        this.run = run;
        this.maxOffsetMillis = maxOffsetMillis;
        this.clock = clock;
    }

    /** Versions too far ahead of our clock are parked; they never move it. */
    void parkSkewed() {
        var skewed = run.h.createQuery("WITH p AS (SELECT " + run.s + ".phys_ms() AS now_ms)"
                + " UPDATE " + IN + " i SET state = 'parked', reason = 'clock_skew: ' || ((i.hlc >> 16) - p.now_ms)"
                + " || ' ms ahead of our clock' FROM p WHERE i.state = 'new' AND (i.hlc >> 16) > p.now_ms + :max"
                + " RETURNING i.peer, (i.hlc >> 16) - p.now_ms AS ahead")
                .bind("max", maxOffsetMillis).mapToMap().list();
        Map<UUID, Long> aheadByPeer = new HashMap<>();
        for (Map<String, Object> r : skewed) {
            aheadByPeer.merge((UUID) r.get("peer"), ((Number) r.get("ahead")).longValue(), Math::max);
        }
        if (!skewed.isEmpty()) {
            run.noteParked();
            run.conflicts.recordSkewed();
        }
        aheadByPeer.forEach((peer, ahead) -> {
            log.warn("Peer {} sent versions {} ms ahead of our clock (max {} ms): parked until our clock catches up",
                    peer, ahead, maxOffsetMillis);
            run.event(new SyncEvent.ClockSkewDetected(clock.instant(), new NodeId(peer), ahead, "parked"));
        });
    }

    /**
     * Keys in canonical form (the digests hash that text); a well-behaved peer already sends it, so this rewrites
     * nothing and later updates of the narrow rows leave the indexed key column alone (HOT updates).
     */
    void canonicalKeys(PgTable t) {
        run.h.createUpdate("UPDATE " + IN + " i SET pk = c.pkt, bucket = NULL, hash = NULL FROM (SELECT i2.ord, " + t.pkText("k") + " AS pkt FROM "
                + IN + " i2 CROSS JOIN LATERAL " + t.pkColumns("i2.pk::jsonb") + " k"
                + " WHERE i2.tbl = :t AND i2.state = 'new') c WHERE i.ord = c.ord AND i.pk <> c.pkt")
                .bind("t", t.name()).execute();
    }

    /** The same key twice in one batch: only the highest version takes part. */
    void dedupe() {
        run.h.execute("DELETE FROM " + IN + " a USING " + IN + " b WHERE a.tbl = b.tbl AND a.pk = b.pk"
                + " AND (a.hlc, a.origin, a.ord) < (b.hlc, b.origin, b.ord)");
    }

    /** Locks, classifies and claims the new rows of one table; see the class comment. */
    void classify(PgTable t) {
        for (int round = 1; ; round++) {
            lockAndCompare(t, round);
            int lost = claimNewKeys(t, round);
            if (lost == 0) {
                return;
            }
            if (round >= MAX_CLAIM_ROUNDS) {
                throw new IllegalStateException(lost + " key(s) of " + t.name() + " were created by other transactions"
                        + " " + MAX_CLAIM_ROUNDS + " times while this apply classified them; the apply is retried");
            }
        }
    }

    /**
     * One statement: for each new row, in key order, lock the local data row and metadata row, then compare with the
     * metadata as locked (a row lock returns the latest committed version). Winners with no metadata here are marked
     * to be claimed in this round. LATERAL: one index probe per incoming key; a plain join lets the planner pick a
     * scan of the whole table for every batch, which made catching up quadratic in the table's size.
     */
    private void lockAndCompare(PgTable t, int round) {
        // The local side's derived flag is read only where the versions are equal: it costs a row hash.
        MergeRule.Columns incoming = new MergeRule.Columns("i.hlc", "i.origin", "i.deleted", "i.derived", "i.cv");
        MergeRule.Columns local = new MergeRule.Columns("c._hlc", "c._origin", "c._deleted",
                Derived.sql(run.s, "i.pk", "c"), "c._cv");
        run.h.createUpdate("UPDATE " + IN + " i SET local_hlc = c._hlc, local_origin = c._origin,"
                + " local_phlc = c._phlc, local_porigin = c._porigin, local_deleted = c._deleted,"
                + " conflict = " + Conflicts.detectSql() + ","
                + " state = CASE WHEN " + Truncations.below(run.s, t) + " THEN 'skip' ELSE "
                + MergeRule.outcomeSql(incoming, local) + " END,"
                + " claim_round = CASE WHEN c._hlc IS NULL AND NOT coalesce(" + Truncations.below(run.s, t)
                + ", false) THEN :round END"
                + " FROM (SELECT k._ps_ord, m._hlc, m._origin, m._deleted, m._hash, m._cv, m._phlc, m._porigin FROM (SELECT i2.ord AS _ps_ord, k.*"
                + " FROM " + IN + " i2 CROSS JOIN LATERAL " + t.pkColumns("i2.pk::jsonb") + " k"
                + " WHERE i2.tbl = :t AND i2.state = 'new' ORDER BY " + t.pkList("k") + ") k"
                + " LEFT JOIN LATERAL (SELECT 1 FROM " + t.qualified() + " x WHERE " + t.pkJoin("x", "k") + " FOR UPDATE) d"
                + " ON true LEFT JOIN LATERAL (SELECT m._hlc, m._origin, m._deleted, m._hash, m._cv, m._phlc, m._porigin FROM "
                + t.meta() + " m"
                + " WHERE " + t.pkJoin("m", "k") + " FOR UPDATE) m ON true) c WHERE i.ord = c._ps_ord")
                .bind("t", t.name()).bind("round", round).execute();
    }

    /**
     * Inserts the metadata of this round's winning keys that have none here, with their incoming versions; returns
     * how many keys another transaction created first (their rows go back to {@code new}, to be classified again).
     */
    private int claimNewKeys(PgTable t, int round) {
        Map<String, Object> counts = run.h.createQuery("WITH w AS MATERIALIZED (SELECT i.ord, i.pk, i.hlc, i.origin, i.deleted, i.derived, i.otx, i.cv,"
                + " i.phlc, i.porigin, i.bucket, i.hash"
                + " FROM " + IN + " i WHERE i.tbl = :t AND i.claim_round = :round),"
                + " b AS MATERIALIZED (SELECT " + run.s + ".hlc_reserve(count(*)) AS base FROM w),"
                + " c AS (INSERT INTO " + t.meta() + " AS m (" + t.pkNames()
                + ", _hlc, _origin, _deleted, _tx, _otx, _seq, _bucket, _cv, _phlc, _porigin, _hash)"
                + " SELECT " + t.pkList("k") + ", w.hlc, w.origin, w.deleted, pg_current_xact_id(), w.otx,"
                + " b.base + row_number() OVER (ORDER BY w.ord) - 1, coalesce(w.bucket, " + run.s + ".bucket_of(w.pk, :bc)),"
                + " w.cv, w.phlc, w.porigin, "
                + Derived.hash(run.s, "w.pk", "w.hlc", "w.origin", "w.deleted", "w.derived", "w.cv", "w.hash")
                + " FROM w CROSS JOIN b CROSS JOIN LATERAL " + t.pkColumns("w.pk::jsonb") + " k"
                + " ORDER BY " + t.pkList("k")
                + " ON CONFLICT (" + t.pkNames() + ") DO NOTHING RETURNING 1)"
                + " SELECT (SELECT count(*) FROM w) AS wanted, (SELECT count(*) FROM c) AS claimed")
                .bind("t", t.name()).bind("round", round).bind("bc", run.bucketCount).mapToMap().one();
        if (((Number) counts.get("wanted")).longValue() == ((Number) counts.get("claimed")).longValue()) {
            return 0;
        }
        // Rare: another transaction created some of the keys first. Ours carry this transaction's id.
        return run.h.createUpdate("UPDATE " + IN + " i SET state = 'new', claim_round = NULL FROM (SELECT i2.ord FROM "
                        + IN + " i2 CROSS JOIN LATERAL " + t.pkColumns("i2.pk::jsonb") + " k JOIN " + t.meta() + " m ON "
                        + t.pkJoin("m", "k") + " WHERE i2.tbl = :t AND i2.claim_round = :round"
                        + " AND m._tx <> pg_current_xact_id()) lost WHERE i.ord = lost.ord")
                .bind("t", t.name()).bind("round", round).execute();
    }
}
