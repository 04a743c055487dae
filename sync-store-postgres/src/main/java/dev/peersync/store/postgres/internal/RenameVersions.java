package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;

/**
 * The version of a unique collision's rename ({@link RowWriter}). A rename is not a user's write: it must beat the
 * value it replaces, the same on every node that settles the collision, yet lose to any write made after the renamed
 * row was seen, a delete above all (else a rename somewhere undoes an acknowledged delete made elsewhere). So the
 * renamed columns take the version {@code (h, RESOLUTION)}, where {@code h} is the highest hlc of the versions they had:
 * above those versions (same hlc, highest node), below every later write (the clock moves past every version it
 * receives, so a later write has a higher hlc). Every node that renames computes the same version and the same values,
 * so their rows and stored hashes are equal. The columns not renamed keep their versions.
 *
 * <p>The row carries no origin transaction afterwards ({@code _otx} null): no feed of one origin holds the rename, so
 * every feed offers it to every peer, the renamed row's first writer included.
 */
final class RenameVersions {
    private static final String RESOLUTION = Sql.literal(NodeId.RESOLUTION.toString()) + "::uuid";

    private RenameVersions() {
    }

    /**
     * Rewrites the metadata of renamed rows. {@code source} is a query giving, per renamed row: its key columns (by
     * their names), {@code _pkt} (the canonical key text), {@code _ps_ohlc}, {@code _ps_oorigin} and {@code _ps_ocv} (the
     * version and column versions before the rename) and {@code _ps_renamed} ({@code text[]}, the columns it changed).
     */
    static void record(ApplyRun run, PgTable t, String source) {
        String cv = columnVersions(t, "v");
        run.h.execute("WITH r AS MATERIALIZED (SELECT s.*, (SELECT max(coalesce((s._ps_ocv -> c ->> 0)::bigint, s._ps_ohlc))"
                + " FROM unnest(s._ps_renamed) c) AS _ps_rh FROM (" + source + ") s),"
                // The rename's version is the row's when it is at the row's hlc (it ranks above the row's version then).
                + " v AS MATERIALIZED (SELECT r.*, CASE WHEN r._ps_rh >= r._ps_ohlc THEN r._ps_rh ELSE r._ps_ohlc END AS _ps_vh,"
                + " CASE WHEN r._ps_rh >= r._ps_ohlc THEN " + RESOLUTION + " ELSE r._ps_oorigin END AS _ps_vo FROM r),"
                + " n AS (SELECT v.*, " + cv + " AS _ps_cv FROM v)"
                + " UPDATE " + t.meta() + " m SET _hlc = n._ps_vh, _origin = n._ps_vo, _deleted = false, _cv = n._ps_cv,"
                + " _tx = pg_current_xact_id(), _otx = NULL, _phlc = n._ps_ohlc, _porigin = n._ps_oorigin,"
                + " _hash = " + Derived.hash(run.s, "n._pkt", "n._ps_vh", "n._ps_vo", "false", "false", "n._ps_cv")
                + " FROM n WHERE " + t.pkJoin("m", "n"));
    }

    /**
     * The column versions after the rename, of a row {@code v} of {@code record}'s query: the renamed columns at the
     * rename's version, the others as they were; those equal to the row's version are not listed, and none listed is
     * null.
     */
    private static String columnVersions(PgTable t, String v) {
        if (t.nonKeyColumns().isEmpty()) {
            return "NULL::jsonb";
        }
        String all = ColumnVersionsSql.perColumn(t, c -> "CASE WHEN " + Sql.literal(c.name()) + " = ANY(" + v
                + "._ps_renamed) THEN jsonb_build_array(" + v + "._ps_rh, " + RESOLUTION + ") ELSE coalesce(" + v
                + "._ps_ocv -> " + Sql.literal(c.name()) + ", jsonb_build_array(" + v + "._ps_ohlc, " + v + "._ps_oorigin)) END");
        return "(SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(" + all + ") e"
                + " WHERE e.value <> jsonb_build_array(" + v + "._ps_vh, " + v + "._ps_vo))";
    }
}
