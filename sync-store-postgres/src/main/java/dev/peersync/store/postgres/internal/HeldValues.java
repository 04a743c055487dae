package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.DATA;
import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Values of columns this node's table lacks, from peers' rows (a column added on another node first, during a rolling
 * migration): kept per key and column with their versions ({@code held_values}), never dropped. The feed relays them
 * with the rows, values and versions, so a node behind this one gets them even when the writer is out of its reach;
 * when this node gains the column ({@link ColumnRegistry}) they are written into the rows.
 */
final class HeldValues {
    private final String s;
    /** Tables with held values: the feed joins them only for those (a gate, so it may be too wide, never too narrow). */
    private final Set<String> tables = ConcurrentHashMap.newKeySet();

    /** @param s sync-core's schema, quoted */
    HeldValues(String s) {
        this.s = s;
    }

    void load(Handle h) {
        tables.addAll(h.createQuery("SELECT DISTINCT tbl FROM " + s + ".held_values").mapTo(String.class).list());
    }

    boolean any(PgTable t) {
        return tables.contains(t.name());
    }

    /**
     * In an apply, after classification: the values of unknown columns of the incoming rows that win or merge are
     * kept (the higher version per column); the keys that become tombstones lose theirs. {@code unknownColumns}: some
     * incoming row of {@code t} has a column the table lacks (false skips the search).
     */
    void hold(ApplyRun run, PgTable t, boolean unknownColumns) {
        int held = !unknownColumns ? 0 : run.h.createUpdate("INSERT INTO " + s + ".held_values AS hv (tbl, pk, col, value, hlc, origin)"
                        + " SELECT i.tbl, i.pk, e.key, e.value, coalesce((i.cv -> e.key ->> 0)::bigint, i.hlc),"
                        + " coalesce((i.cv -> e.key ->> 1)::uuid, i.origin) FROM " + IN + " i JOIN " + DATA + " d ON d.ord = i.ord"
                        + " CROSS JOIN LATERAL jsonb_each(d.data - " + known(t) + ") e"
                        + " WHERE i.tbl = :t AND i.state IN ('win', 'merge') AND NOT i.deleted"
                        + " ON CONFLICT (tbl, pk, col) DO UPDATE SET value = EXCLUDED.value, hlc = EXCLUDED.hlc,"
                        + " origin = EXCLUDED.origin WHERE (EXCLUDED.hlc, EXCLUDED.origin) > (hv.hlc, hv.origin)")
                .bind("t", t.name()).execute();
        if (held > 0) {
            tables.add(t.name());
        }
        if (any(t)) {
            run.h.createUpdate("DELETE FROM " + s + ".held_values hv USING " + IN + " i WHERE hv.tbl = :t AND i.tbl = :t"
                    + " AND hv.pk = i.pk AND i.state = 'win' AND i.deleted").bind("t", t.name()).execute();
        }
    }

    /**
     * A lateral subquery, joined {@code ON true} as {@code alias} for the metadata row {@code m} of {@code t}: the held
     * values ({@code alias.v}) and their versions ({@code alias.c}, column versions), null when none.
     */
    String lateral(PgTable t, String m, String alias) {
        return "LEFT JOIN LATERAL (SELECT jsonb_object_agg(hv.col, hv.value) AS v, jsonb_object_agg(hv.col,"
                + " jsonb_build_array(hv.hlc, hv.origin)) AS c FROM " + s + ".held_values hv WHERE hv.tbl = "
                + Sql.literal(t.name()) + " AND hv.pk = " + t.pkText(m) + " AND NOT " + m + "._deleted) " + alias
                + " ON true";
    }

    /**
     * The table gained {@code column}: its held values are written into the live rows (capture stays out: the versions
     * are the held ones, recorded in the metadata explicitly; ColumnRegistry makes them canonical) and forgotten.
     */
    void apply(Handle h, PgTable t, String column) {
        String match = " hv.tbl = " + Sql.literal(t.name()) + " AND hv.col = " + Sql.literal(column);
        CaptureSql.uncaptured(h, t.name());
        h.execute("UPDATE " + t.qualified() + " x SET " + Sql.ident(column) + " = (jsonb_populate_record(null::"
                + t.qualified() + ", jsonb_build_object(hv.col, hv.value)))." + Sql.ident(column) + " FROM " + s
                + ".held_values hv WHERE" + match + " AND hv.pk = " + t.pkText("x"));
        CaptureSql.uncaptured(h, "");
        h.execute("UPDATE " + t.meta() + " m SET _cv = n.cv, _hash = m._hash # " + s + ".cv_hash(m._cv) # " + s
                + ".cv_hash(n.cv) FROM (SELECT " + t.pkList("m2") + ", coalesce(m2._cv, '{}') || jsonb_build_object(hv.col,"
                + " jsonb_build_array(hv.hlc, hv.origin)) AS cv FROM " + t.meta() + " m2 JOIN " + s + ".held_values hv ON"
                + match + " AND hv.pk = " + t.pkText("m2") + " WHERE NOT m2._deleted) n WHERE " + t.pkJoin("m", "n"));
        h.execute("DELETE FROM " + s + ".held_values hv WHERE" + match);
    }

    private static String known(PgTable t) {
        return "ARRAY[" + String.join(", ", t.attributes().stream().map(Sql::literal).toList()) + "]::text[]";
    }
}
