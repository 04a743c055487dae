package dev.peersync.core.internal.pg;

import java.util.UUID;

/**
 * The capture trigger function of one synced table. Statement-level AFTER triggers with transition tables
 * (one per event) write the metadata rows set-based: one clock reservation per statement, no per-row trigger call.
 *
 * <p>Inside an apply (the transaction-local setting {@code peersync.applying} names this table), rows that the
 * apply itself is writing (present in {@code pg_temp.peersync_incoming} as winners with the same deleted flag)
 * are left to the apply, which records them with their origin version. Every other row, e.g. a child deleted by
 * an ON DELETE CASCADE of an applied delete, gets a fresh local version like any local write.
 */
final class CaptureSql {
    static final String APPLYING_SETTING = "peersync.applying";

    private CaptureSql() {
    }

    static String function(PgTable t, int bucketCount, UUID nodeId) {
        String s = Sql.ident(t.ownSchema());
        String inserted = "SELECT " + t.pkList("n") + ", " + t.pkText("n") + " AS _pkt, false AS _d FROM n";
        String deleted = "SELECT " + t.pkList("o") + ", " + t.pkText("o") + " AS _pkt, true AS _d FROM o";
        String updated = inserted + " UNION ALL " + deleted
                + " WHERE NOT EXISTS (SELECT 1 FROM n WHERE " + t.pkJoin("n", "o") + ")";
        return "CREATE OR REPLACE FUNCTION " + t.captureFunction() + "() RETURNS trigger LANGUAGE plpgsql"
                + " SET timezone = 'UTC' AS $f$\n"
                + "DECLARE\n"
                + "  own boolean := coalesce(current_setting('" + APPLYING_SETTING + "', true), '') = "
                + Sql.literal(t.name()) + ";\n"

                + "BEGIN\n"
                + "  IF TG_OP = 'INSERT' THEN\n"
                + branch(t, s, inserted, bucketCount, nodeId)
                + "  ELSIF TG_OP = 'UPDATE' THEN\n"
                + branch(t, s, updated, bucketCount, nodeId)
                + "  ELSE\n"
                + branch(t, s, deleted, bucketCount, nodeId)
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END $f$";
    }

    private static String branch(PgTable t, String s, String changes, int bucketCount, UUID nodeId) {
        String ownFilter = "NOT EXISTS (SELECT 1 FROM pg_temp.peersync_incoming i WHERE i.tbl = "
                + Sql.literal(t.name()) + " AND i.pk = ch._pkt AND i.deleted = ch._d AND i.state = 'win')";
        return "    IF own THEN\n" + write(t, s, changes, ownFilter, bucketCount, nodeId)
                + "    ELSE\n" + write(t, s, changes, "true", bucketCount, nodeId)
                + "    END IF;\n";
    }

    /**
     * One statement per trigger call: statements that read transition tables are planned on every call, so the
     * clock reservation, the metadata upsert and the notification share one plan.
     */
    private static String write(PgTable t, String s, String changes, String filter, int bucketCount, UUID nodeId) {
        String me = Sql.literal(nodeId.toString()) + "::uuid";
        // The guard matters: an INSERT into the metadata table fires its digest triggers even for zero rows.
        // A count, not EXISTS: EXISTS plans for the first row (a nested loop over the incoming rows), and inside
        // an apply every row is filtered out, so that plan would scan the incoming rows once per changed row.
        return "      IF (SELECT count(*) FROM (" + changes + ") ch WHERE " + filter + ") > 0 THEN\n"
                + "      WITH ch AS MATERIALIZED (SELECT ch.*, row_number() OVER () - 1 AS _rn FROM (" + changes + ") ch"
                + " WHERE " + filter + "),\n"
                + "      b AS MATERIALIZED (SELECT " + s + ".hlc_reserve(count(*)) AS base,"
                + " CASE WHEN count(*) > 0 THEN pg_notify('peersync_changes', '') END AS notified FROM ch)\n"
                + "      INSERT INTO " + t.meta() + " AS m (" + t.pkNames()
                + ", _hlc, _origin, _deleted, _tx, _seq, _bucket, _hash)\n"
                + "      SELECT " + t.pkList("ch") + ", b.base + ch._rn, " + me + ", ch._d, pg_current_xact_id(),"
                + " b.base + ch._rn, " + s + ".bucket_of(ch._pkt, " + bucketCount + "), " + s
                + ".row_hash(ch._pkt, b.base + ch._rn, " + me + ", ch._d)\n"
                + "      FROM ch CROSS JOIN b\n"
                + "      ON CONFLICT (" + t.pkNames() + ") DO UPDATE SET _hlc = EXCLUDED._hlc, _origin = EXCLUDED._origin,"
                + " _deleted = EXCLUDED._deleted, _tx = EXCLUDED._tx, _seq = EXCLUDED._seq, _bucket = EXCLUDED._bucket,"
                + " _hash = EXCLUDED._hash;\n"
                + "      END IF;\n";
    }
}
