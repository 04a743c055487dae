package dev.peersync.store.postgres.internal;

import dev.peersync.core.Version;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * TRUNCATE of a synced table, replicated: a truncation at version V removes, on every node, every row of the table
 * whose version is below V; rows written after it survive. Each node keeps the latest truncation of each table
 * ({@code truncations} in sync-core's schema) as a watermark: rows below it are gone, and a row below it that
 * arrives later (in flight from a third node, repaired by anti-entropy, in a snapshot page) is skipped.
 *
 * <p>Capture: an AFTER TRUNCATE statement trigger reserves V, records the truncation and deletes the table's metadata
 * rows (all below V; the digests follow through their triggers). The feed sends it as a row of key {@link #KEY}.
 * Apply: a higher truncation than the one held deletes the rows below it (their data, then their metadata, with capture
 * told to stay out: the node writes no tombstones of its own, which would outrank rows written after V elsewhere).
 */
final class Truncations {
    /** The key of a truncation in the feed (never a canonical key: those are JSON arrays). */
    static final String KEY = "*";

    private Truncations() {
    }

    /** The trigger function (one for all tables: its arguments name the table and its metadata table). */
    static String captureFunction(String s, UUID nodeId) {
        String me = Sql.literal(nodeId.toString()) + "::uuid";
        return "CREATE OR REPLACE FUNCTION " + s + ".capture_truncate() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
                + "DECLARE v bigint;\n"
                + "BEGIN\n"
                + "  v := " + s + ".hlc_reserve(1);\n"
                + "  INSERT INTO " + s + ".truncations AS w (tbl, hlc, origin, tx, seq, otx)\n"
                + "  VALUES (TG_ARGV[0], v, " + me + ", pg_current_xact_id(), v, pg_current_xact_id())\n"
                + "  ON CONFLICT (tbl) DO UPDATE SET hlc = EXCLUDED.hlc, origin = EXCLUDED.origin, tx = EXCLUDED.tx,"
                + " seq = EXCLUDED.seq, otx = EXCLUDED.otx;\n"
                + "  EXECUTE format('DELETE FROM %s WHERE (_hlc, _origin) < ($1, $2)', TG_ARGV[1]) USING v, " + me + ";\n"
                + "  PERFORM pg_notify('" + PgCommitListener.CHANNEL + "', '');\n"
                + "  RETURN NULL;\n"
                + "END $f$";
    }

    static String trigger(String s, PgTable t) {
        return "CREATE OR REPLACE TRIGGER peersync_capture_truncate AFTER TRUNCATE ON " + t.qualified()
                + " FOR EACH STATEMENT EXECUTE FUNCTION " + s + ".capture_truncate(" + Sql.literal(t.name()) + ", "
                + Sql.literal(t.meta()) + ")";
    }

    /** SQL boolean: incoming row {@code i} of table {@code t} is below the table's truncation here. */
    static String below(String s, PgTable t) {
        return "(i.hlc, i.origin) < (SELECT w.hlc, w.origin FROM " + s + ".truncations w WHERE w.tbl = "
                + Sql.literal(t.name()) + ")";
    }

    /** The feed's branch for truncations, in the same columns and range filter as the metadata tables' branches. */
    static String feedBranch(String s, String tables) {
        return "(SELECT m.tbl, m.tx, m.seq, " + Sql.literal(KEY) + " AS pk, m.hlc, m.origin, true AS deleted,"
                + " m.otx::text AS otx, NULL::text AS cv, NULL::bigint AS _phlc, NULL::uuid AS _porigin,"
                + " NULL::text AS data, false AS missing, 0::bigint AS stored_hash, NULL::boolean AS derived_cv FROM " + s
                + ".truncations m"
                + " WHERE m.tbl = ANY(" + tables + ") AND " + ChangeFeed.inRange("m.tx", "m.seq")
                + " AND m.origin <> :requester)";
    }

    /**
     * Applies the truncations of one batch (children first, so no foreign-key action runs): per table the highest, if
     * it is higher than the one held. Returns the tables truncated.
     */
    static List<String> apply(ApplyRun run, List<PgTable> parentsFirst, List<Incoming> truncations) {
        Map<String, Incoming> highest = truncations.stream().collect(Collectors.toMap(r -> r.change().table(), r -> r,
                (x, y) -> version(x).compareTo(version(y)) >= 0 ? x : y));
        List<String> applied = new java.util.ArrayList<>();
        for (int i = parentsFirst.size() - 1; i >= 0; i--) {
            PgTable t = parentsFirst.get(i);
            Incoming r = highest.get(t.name());
            if (r == null) {
                continue;
            }
            Version v = version(r);
            int won = run.h.createUpdate("INSERT INTO " + run.s + ".truncations AS w (tbl, hlc, origin, tx, seq, otx)"
                            + " VALUES (:t, :h, :o, pg_current_xact_id(), " + run.s + ".hlc_reserve(1, :h),"
                            + " CAST(NULLIF(:otx, 0) AS text)::xid8)"
                            + " ON CONFLICT (tbl) DO UPDATE SET hlc = EXCLUDED.hlc, origin = EXCLUDED.origin,"
                            + " tx = EXCLUDED.tx, seq = EXCLUDED.seq, otx = EXCLUDED.otx"
                            + " WHERE (EXCLUDED.hlc, EXCLUDED.origin) > (w.hlc, w.origin)")
                    .bind("t", t.name()).bind("h", v.hlc()).bind("o", v.node().value())
                    .bind("otx", r.change().originTx()).execute();
            if (won == 0) {
                continue;
            }
            CaptureSql.uncaptured(run.h, t.name());
            run.h.createUpdate("DELETE FROM " + t.qualified() + " x USING " + t.meta() + " m WHERE " + t.pkJoin("x", "m")
                    + " AND (m._hlc, m._origin) < (:h, :o)").bind("h", v.hlc()).bind("o", v.node().value()).execute();
            CaptureSql.uncaptured(run.h, "");
            run.h.createUpdate("DELETE FROM " + t.meta() + " m WHERE (m._hlc, m._origin) < (:h, :o)")
                    .bind("h", v.hlc()).bind("o", v.node().value()).execute();
            applied.add(t.name());
        }
        return applied;
    }

    private static Version version(Incoming r) {
        return new Version(r.change().hlc(), r.change().origin());
    }
}
