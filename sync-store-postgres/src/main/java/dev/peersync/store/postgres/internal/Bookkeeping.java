package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.DATA;
import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import dev.peersync.core.MergeRule;
import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.store.OriginCounts;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an apply records besides the rows: the winners' metadata with their origin versions (so they enter the local
 * feed, for relay), the metadata of claimed keys kept in step with how their rows were written, parked rows, and the
 * counts by origin.
 */
final class Bookkeeping {
    private static final Logger log = LoggerFactory.getLogger(Bookkeeping.class);

    /** The metadata row is still the claim this apply inserted (no local write replaced it since). */
    private static final String CLAIM_STILL_HELD = " AND m._hlc = i.hlc AND m._origin = i.origin";

    private final ApplyRun run;
    private final Clock clock;

    private final int maxParked;

    Bookkeeping(ApplyRun run, Clock clock, int maxParked) {
        this.run = run;
        this.clock = clock;
        this.maxParked = maxParked;
    }

    /** The metadata of the winners whose keys were held here already (claimed keys have theirs), merged ones apart. */
    void recordMetadata(PgTable t) {
        // Local change numbers (the feed's order inside a transaction) come from the clock: unique per node.
        long base = run.h.createQuery("SELECT " + run.s + ".hlc_reserve(count(*)) FROM " + IN
                + " WHERE tbl = :t AND state = 'win' AND claim_round IS NULL AND NOT merged").bind("t", t.name())
                .mapTo(Long.class).one();
        MergeRule.Columns incoming = new MergeRule.Columns("EXCLUDED._hlc", "EXCLUDED._origin", "EXCLUDED._deleted",
                Derived.sql(run.s, t, "EXCLUDED"), "EXCLUDED._cv");
        MergeRule.Columns local = new MergeRule.Columns("m._hlc", "m._origin", "m._deleted", Derived.sql(run.s, t, "m"),
                "m._cv");
        run.h.createUpdate("INSERT INTO " + t.meta() + " AS m (" + t.pkNames()
                        + ", _hlc, _origin, _deleted, _tx, _otx, _seq, _bucket, _cv, _phlc, _porigin, _hash)"
                        + " SELECT " + t.pkList("k") + ", i.hlc, i.origin, i.deleted, pg_current_xact_id(), i.otx,"
                        + " :base + row_number() OVER () - 1, coalesce(i.bucket, " + run.s + ".bucket_of(i.pk, :bc)), i.cv, i.phlc,"
                        + " i.porigin, "
                        // Derived on the sender, or nulled here by a parent's delete: marked like a local SET NULL.
                        + Derived.hash(run.s, "i.pk", "i.hlc", "i.origin", "i.deleted", "i.derived", "i.cv", "i.hash")
                        + " FROM " + IN + " i CROSS JOIN LATERAL " + t.pkColumns("i.pk::jsonb") + " k"
                        + " WHERE i.tbl = :t AND i.state = 'win' AND i.claim_round IS NULL AND NOT i.merged"
                        + " ON CONFLICT (" + t.pkNames() + ") DO UPDATE SET _hlc = EXCLUDED._hlc, _origin = EXCLUDED._origin,"
                        + " _deleted = EXCLUDED._deleted, _tx = EXCLUDED._tx, _otx = EXCLUDED._otx, _seq = EXCLUDED._seq,"
                        + " _bucket = EXCLUDED._bucket, _cv = EXCLUDED._cv, _phlc = EXCLUDED._phlc,"
                        + " _porigin = EXCLUDED._porigin, _hash = EXCLUDED._hash"
                        // The rows are locked and classified already: this only keeps a metadata row from going back.
                        // The whole rule here compared every row's columns a second time (a third of an apply of
                        // updates); a winner is never behind, so that is all this checks.
                        + " WHERE " + MergeRule.notBehindSql(incoming, local))
                .bind("t", t.name()).bind("bc", run.bucketCount).bind("base", base).execute();
    }

    /**
     * Merged rows ({@link ColumnMerge}): the higher of the two row versions and the merged column versions. No origin
     * transaction: no single write made this row, so no cursor on an origin's feed says a peer holds it; the feed sends
     * it to every peer, its row version's origin included (see {@link ChangeFeed}). Their keys are held here, so their
     * metadata rows are there, locked by this apply.
     */
    void recordMerged(PgTable t) {
        long base = run.h.createQuery("SELECT " + run.s + ".hlc_reserve(count(*)) FROM " + IN
                + " WHERE tbl = :t AND state = 'win' AND merged").bind("t", t.name()).mapTo(Long.class).one();
        String ahead = "(i.hlc, i.origin) > (m._hlc, m._origin)";
        String hlc = "CASE WHEN " + ahead + " THEN i.hlc ELSE m._hlc END";
        String origin = "CASE WHEN " + ahead + " THEN i.origin ELSE m._origin END";
        // A merged row can still meet a deleted parent when written (RowWriter): then it is derived data (SET NULL) or
        // a derived tombstone (CASCADE), and its metadata must say so, or digests would call unequal rows equal.
        String cv = "CASE WHEN i.deleted THEN NULL ELSE i.cv END";
        run.h.createUpdate("UPDATE " + t.meta() + " m SET _hlc = " + hlc + ", _origin = " + origin + ", _deleted = i.deleted,"
                        + " _otx = NULL, _tx = pg_current_xact_id(),"
                        + " _seq = i.seq, _cv = " + cv + ","
                        // What both sides had seen: the higher of the two replaced versions (conservative).
                        + " _phlc = CASE WHEN (i.phlc, i.porigin) > (m._phlc, m._porigin) OR m._phlc IS NULL THEN i.phlc"
                        + " ELSE m._phlc END, _porigin = CASE WHEN (i.phlc, i.porigin) > (m._phlc, m._porigin)"
                        + " OR m._phlc IS NULL THEN i.porigin ELSE m._porigin END,"
                        + " _hash = " + Derived.hash(run.s, "i.pk", hlc, origin, "i.deleted", "i.derived", cv)
                        + " FROM (SELECT i.*, :base + row_number() OVER (ORDER BY i.ord) - 1 AS seq FROM " + IN + " i"
                        + " WHERE i.tbl = :t AND i.state = 'win' AND i.merged) i"
                        + " CROSS JOIN LATERAL " + t.pkColumns("i.pk::jsonb") + " k WHERE " + t.pkJoin("m", "k"))
                .bind("t", t.name()).bind("base", base).execute();
    }

    /**
     * Incoming rows written under a renamed unique value ({@code RowWriter}): their metadata, recorded with the
     * incoming version, takes the rename's version ({@link RenameVersions}).
     */
    void versionRenames(PgTable t) {
        RenameVersions.record(run, t, "SELECT " + t.pkList("k") + ", i.pk AS _pkt, m._hlc AS _ps_ohlc, m._origin AS _ps_oorigin,"
                + " m._cv AS _ps_ocv, i.renamed AS _ps_renamed FROM " + IN + " i CROSS JOIN LATERAL " + t.pkColumns("i.pk::jsonb") + " k"
                + " JOIN " + t.meta() + " m ON " + t.pkJoin("m", "k") + " WHERE i.tbl = " + Sql.literal(t.name())
                + " AND i.state = 'win' AND i.renamed IS NOT NULL");
    }

    /** A claimed key whose row became a tombstone or derived data while written (a deleted parent's action). */
    void followRewrittenClaims(PgTable t) {
        String cv = "CASE WHEN i.deleted THEN NULL ELSE m._cv END";
        String hash = Derived.hash(run.s, "i.pk", "m._hlc", "m._origin", "i.deleted", "i.derived", cv);
        run.h.createUpdate("UPDATE " + t.meta() + " m SET _deleted = i.deleted, _cv = " + cv + ", _hash = " + hash
                        + " FROM " + IN + " i"
                        + " CROSS JOIN LATERAL " + t.pkColumns("i.pk::jsonb") + " k WHERE i.tbl = :t AND i.claim_round IS NOT NULL"
                        + " AND i.state = 'win' AND " + t.pkJoin("m", "k") + CLAIM_STILL_HELD
                        + " AND (m._deleted <> i.deleted OR m._hash <> " + hash + ")")
                .bind("t", t.name()).execute();
    }

    /**
     * A claimed key whose row was not written (parked, superseded) gives its claim back: nothing is held for it.
     * Unless a local write replaced the claim meanwhile (a unique collision's loser deleted as a local write).
     */
    void releaseClaims(PgTable t) {
        run.h.createUpdate("DELETE FROM " + t.meta() + " m USING " + IN + " i CROSS JOIN LATERAL "
                        + t.pkColumns("i.pk::jsonb") + " k WHERE i.tbl = :t AND i.claim_round IS NOT NULL AND i.state <> 'win' AND "
                        + t.pkJoin("m", "k") + CLAIM_STILL_HELD)
                .bind("t", t.name()).execute();
    }

    /** Parks per (table, key), keeping the highest version; returns how many rows of this batch were parked. */
    int park() {
        if (!run.parkedAny()) {
            return 0;
        }
        List<Map<String, Object>> parked = run.h.createQuery("INSERT INTO " + run.s + ".parked AS p"
                + " (tbl, pk, hlc, origin, deleted, data, reason, peer, cv, phlc, porigin)"
                + " SELECT i.tbl, i.pk, i.hlc, i.origin, i.deleted, d.data, i.reason, i.peer, i.cv, i.phlc, i.porigin"
                + " FROM " + IN + " i"
                + " LEFT JOIN " + DATA + " d ON d.ord = i.ord WHERE i.state = 'parked'"
                + " ON CONFLICT (tbl, pk) DO UPDATE SET hlc = EXCLUDED.hlc, origin = EXCLUDED.origin,"
                + " deleted = EXCLUDED.deleted, data = EXCLUDED.data, reason = EXCLUDED.reason, peer = EXCLUDED.peer, cv = EXCLUDED.cv,"
                + " phlc = EXCLUDED.phlc, porigin = EXCLUDED.porigin,"
                + " attempts = p.attempts + 1 WHERE (p.hlc, p.origin) <= (EXCLUDED.hlc, EXCLUDED.origin)"
                + " RETURNING tbl, pk, reason, peer, attempts").mapToMap().list();
        int total = run.h.createQuery("SELECT count(*)::int FROM " + IN + " WHERE state = 'parked'")
                .mapTo(Integer.class).one();
        if (total > 0) {
            expireBeyondCap();
        }
        for (Map<String, Object> r : parked) {
            if (((Integer) r.get("attempts")) == 1) {
                log.info("Parked a row of {} with key {}: {}", r.get("tbl"), r.get("pk"), r.get("reason"));
                run.event(new SyncEvent.RowParked(clock.instant(), new NodeId((UUID) r.get("peer")), (String) r.get("tbl"),
                        (String) r.get("pk"), (String) r.get("reason")));
            }
        }
        return total;
    }

    /**
     * At most {@code maxParked} rows of one table from one peer wait parked: beyond it the oldest are dropped, each
     * logged and reported, so a peer cannot fill the database with rows that never apply. Only the (peer, table) pairs
     * this batch parked rows of are looked at.
     */
    private void expireBeyondCap() {
        run.h.createQuery("DELETE FROM " + run.s + ".parked p USING (SELECT tbl, pk FROM (SELECT x.tbl, x.pk,"
                        + " row_number() OVER (PARTITION BY x.peer, x.tbl ORDER BY x.parked_at DESC, x.hlc DESC) AS n"
                        + " FROM " + run.s + ".parked x WHERE (x.peer, x.tbl) IN (SELECT DISTINCT peer, tbl FROM " + IN
                        + " WHERE state = 'parked')) ranked WHERE n > :cap) old WHERE p.tbl = old.tbl AND p.pk = old.pk"
                        + " RETURNING p.tbl, p.pk, p.peer, p.reason")
                .bind("cap", maxParked).mapToMap().forEach(r -> {
                    log.warn("Dropped the parked row of {} with key {} from {}: more than {} rows of the table from"
                            + " that peer are parked ({})", r.get("tbl"), r.get("pk"), r.get("peer"), maxParked, r.get("reason"));
                    run.event(new SyncEvent.ParkedRowExpired(clock.instant(), new NodeId((UUID) r.get("peer")),
                            (String) r.get("tbl"), (String) r.get("pk"), (String) r.get("reason")));
                });
    }

    /** A parked row whose key now holds an equal or higher version leaves the parking table. */
    void unparkSuperseded() {
        run.h.createQuery("DELETE FROM " + run.s + ".parked p USING " + IN + " i WHERE p.tbl = i.tbl AND p.pk = i.pk AND ("
                        + "(i.state = 'win' AND (p.hlc, p.origin) <= (i.hlc, i.origin))"
                        + " OR (i.state = 'skip' AND (p.hlc, p.origin) <= (i.local_hlc, i.local_origin)))"
                        + " RETURNING p.tbl, p.pk").mapToMap()
                .forEach(r -> run.event(new SyncEvent.RowUnparked(clock.instant(), (String) r.get("tbl"),
                        (String) r.get("pk"))));
    }

    /** The rows by fate: per table the rows applied, per origin the rows received, applied, skipped and parked. */
    record Tally(Map<String, Integer> appliedPerTable, Map<NodeId, OriginCounts> perOrigin) {
        int applied() {
            return appliedPerTable.values().stream().mapToInt(Integer::intValue).sum();
        }

        int skipped() {
            return (int) perOrigin.values().stream().mapToLong(OriginCounts::skipped).sum();
        }
    }

    Tally tally(List<Incoming> rows) {
        Map<UUID, Long> received = new HashMap<>();
        rows.forEach(r -> received.merge(r.change().origin().value(), 1L, Long::sum));
        Map<String, Integer> perTable = new java.util.LinkedHashMap<>();
        Map<UUID, long[]> byOrigin = new HashMap<>();
        run.h.createQuery("SELECT tbl, origin, state, count(*)::int AS n FROM " + IN + " GROUP BY 1, 2, 3")
                .mapToMap().forEach(r -> {
                    int n = (Integer) r.get("n");
                    long[] c = byOrigin.computeIfAbsent((UUID) r.get("origin"), o -> new long[3]);
                    switch ((String) r.get("state")) {
                        case "win" -> {
                            c[0] += n;
                            perTable.merge((String) r.get("tbl"), n, Integer::sum);
                        }
                        case "skip", "superseded" -> c[1] += n;
                        case "parked" -> c[2] += n;
                        default -> throw new IllegalStateException("row left unclassified: " + r);
                    }
                });
        Map<NodeId, OriginCounts> perOrigin = new HashMap<>();
        byOrigin.forEach((origin, c) -> perOrigin.put(new NodeId(origin),
                new OriginCounts(received.getOrDefault(origin, 0L), c[0], c[1], c[2])));
        return new Tally(perTable, perOrigin);
    }

    /**
     * Tells the engine (LISTEN) that rows were applied. The payload names the peer they came from (the engine does not
     * push them back to it); rows from several peers (parked rows retried) are announced to everyone, like a local write.
     */
    void notifyApplied(List<Incoming> rows) {
        run.h.createQuery("SELECT pg_notify('" + PgCommitListener.CHANNEL + "', :cause)")
                .bind("cause", appliedCause(rows))
                .mapTo(String.class).list();
    }

    /** The notification's payload for applied {@code rows}: their peer when they all came from one, else nothing. */
    static String appliedCause(List<Incoming> rows) {
        long peers = rows.stream().map(Incoming::peer).distinct().count();
        return peers == 1 ? rows.get(0).peer().value().toString() : "";
    }
}
