package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.DATA;
import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import dev.peersync.core.MergeRule;

/**
 * Rows classified {@code merge} (each side ahead in some column, see {@link MergeRule}) become winners whose data takes
 * each column from the side with the higher column version: the incoming data is rewritten in place, the row's version
 * becomes the higher of the two row versions, and its column versions the merged ones. The rows are locked already
 * (the classification locked them), so the local side read here is the one compared.
 */
final class ColumnMerge {
    private final ApplyRun run;

    ColumnMerge(ApplyRun run) {
        this.run = run;
    }

    /** Merges the {@code merge} rows of one table; they leave as {@code win} rows marked {@code merged}. */
    void merge(PgTable t) {
        MergeRule.Columns in = new MergeRule.Columns("g.ih", "g.io", "false", "false", "g.icv");
        MergeRule.Columns local = new MergeRule.Columns("g.lh", "g.lo", "false", "false", "g.lcv");
        String take = MergeRule.column(in, "c.name") + " > " + MergeRule.column(local, "c.name");
        String rowAhead = "(g.ih, g.io) > (g.lh, g.lo)";
        run.h.createUpdate("WITH g AS MATERIALIZED (SELECT i.ord, i.hlc AS ih, i.origin AS io, i.cv AS icv, d.data AS idata,"
                        + " m._hlc AS lh, m._origin AS lo, m._cv AS lcv, to_jsonb(x.*) AS ldata"
                        + " FROM " + IN + " i JOIN " + DATA + " d ON d.ord = i.ord"
                        + " CROSS JOIN LATERAL " + t.pkColumns("i.pk::jsonb") + " k"
                        + " JOIN " + t.meta() + " m ON " + t.pkJoin("m", "k")
                        + " JOIN " + t.qualified() + " x ON " + t.pkJoin("x", "k")
                        + " WHERE i.tbl = :t AND i.state = 'merge'),"
                        // Per row and column: is the incoming side ahead, the higher column version, the row's version.
                        + " c AS (SELECT g.ord, g.idata, g.ldata, c.name, " + take + " AS take,"
                        + " CASE WHEN " + take + " THEN " + MergeRule.columnHlc(in, "c.name") + " ELSE "
                        + MergeRule.columnHlc(local, "c.name") + " END AS vh,"
                        + " CASE WHEN " + take + " THEN " + MergeRule.columnNode(in, "c.name") + " ELSE "
                        + MergeRule.columnNode(local, "c.name") + " END AS vo,"
                        + " CASE WHEN " + rowAhead + " THEN g.ih ELSE g.lh END AS rh,"
                        + " CASE WHEN " + rowAhead + " THEN g.io ELSE g.lo END AS ro"
                        + " FROM g CROSS JOIN unnest(CAST(:cols AS text[])) AS c(name)),"
                        + " r AS (SELECT c.ord, c.ldata || coalesce(jsonb_object_agg(c.name, c.idata -> c.name)"
                        + " FILTER (WHERE c.take AND jsonb_exists(c.idata, c.name)), '{}') AS data,"
                        + " nullif(coalesce(jsonb_object_agg(c.name, jsonb_build_array(c.vh, c.vo))"
                        + " FILTER (WHERE (c.vh, c.vo) < (c.rh, c.ro)), '{}'), '{}') AS cv"
                        + " FROM c GROUP BY c.ord, c.ldata),"
                        + " w AS (UPDATE " + DATA + " d SET data = r.data FROM r WHERE d.ord = r.ord)"
                        + " UPDATE " + IN + " i SET state = 'win', merged = true, derived = false, cv = r.cv, hash = NULL"
                        + " FROM r WHERE i.ord = r.ord")
                .bind("t", t.name())
                .bindArray("cols", String.class, t.nonKeyColumns().stream().map(PgTable.Column::name).toArray())
                .execute();
        // A live version here without its row (not expected): the row versions decide, as for a whole row.
        run.h.createUpdate("UPDATE " + IN + " SET state = CASE WHEN (hlc, origin) > (local_hlc, local_origin) THEN 'win'"
                + " ELSE 'skip' END WHERE tbl = :t AND state = 'merge'").bind("t", t.name()).execute();
    }
}
