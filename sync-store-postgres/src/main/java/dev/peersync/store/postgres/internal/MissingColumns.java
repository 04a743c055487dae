package dev.peersync.store.postgres.internal;

import static dev.peersync.store.postgres.internal.ApplyRun.DATA;
import static dev.peersync.store.postgres.internal.ApplyRun.IN;

import dev.peersync.core.NodeId;
import java.util.ArrayList;
import java.util.List;

/**
 * Incoming rows whose data lacks columns this node's table has: the writer's table did not have them (a column added
 * here first, during a rolling migration). The writer did not write those columns, so their incoming versions are
 * {@link NodeId#NEVER} (below every real write: the merge rule keeps the value held here), and the row is written
 * keeping the value held here, or the column's default for a new key, instead of null.
 */
final class MissingColumns {
    /** The version of a column no write reached, as a column-version entry ({@code jsonb}). */
    static final String NEVER_ENTRY = "jsonb_build_array(0, " + Sql.literal(NodeId.NEVER.toString()) + "::uuid)";

    private MissingColumns() {
    }

    /** Marks the columns missing from the data of {@code t}'s incoming rows; true when a row lacked any. */
    static boolean mark(ApplyRun run, PgTable t) {
        if (t.nonKeyColumns().isEmpty()) {
            return false;
        }
        String names = names(t);
        // jsonb_exists(_all): the ? operators would be taken for bind parameters.
        return run.h.createUpdate("UPDATE " + IN + " i SET hash = NULL, cv = coalesce(i.cv, '{}') || (SELECT jsonb_object_agg(c, "
                        + NEVER_ENTRY + ") FROM unnest(" + names + ") c WHERE NOT jsonb_exists(d.data, c)) FROM " + DATA
                        + " d WHERE d.ord = i.ord AND i.tbl = :t AND NOT i.deleted AND NOT jsonb_exists_all(d.data, " + names
                        + ")")
                .bind("t", t.name()).execute() > 0;
    }

    /**
     * The record whose values {@code jsonb_populate_record} keeps for keys missing from the data {@code data} of the
     * row with key {@code key} (a record of the key columns): the row held here ({@code held}, joined by the caller),
     * else the defaults of the missing columns.
     */
    static String base(PgTable t, String held, String data) {
        List<String> defaults = new ArrayList<>();
        for (PgTable.Column c : t.nonKeyColumns()) {
            if (c.defaultExpr() != null) {
                defaults.add(Sql.literal(c.name()) + ", CASE WHEN jsonb_exists(" + data + ", " + Sql.literal(c.name())
                        + ") THEN NULL ELSE to_jsonb(" + c.defaultExpr() + ") END");
            }
        }
        String fresh = defaults.isEmpty() ? "null::" + t.qualified()
                : "jsonb_populate_record(null::" + t.qualified() + ", jsonb_build_object(" + String.join(", ", defaults) + "))";
        return "CASE WHEN " + held + "." + t.pk().get(0).quoted() + " IS NULL THEN " + fresh + " ELSE " + held + " END";
    }

    private static String names(PgTable t) {
        List<String> out = new ArrayList<>();
        t.nonKeyColumns().forEach(c -> out.add(Sql.literal(c.name())));
        return "ARRAY[" + String.join(", ", out) + "]::text[]";
    }
}
