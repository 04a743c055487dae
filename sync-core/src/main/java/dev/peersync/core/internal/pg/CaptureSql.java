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
                + "  cnt bigint;\n"
                + "  base bigint;\n"
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

    private static String write(PgTable t, String s, String changes, String filter, int bucketCount, UUID nodeId) {
        String me = Sql.literal(nodeId.toString()) + "::uuid";
        return "      SELECT count(*) INTO cnt FROM (" + changes + ") ch WHERE " + filter + ";\n"
                + "      IF cnt > 0 THEN\n"
                + "        base := " + s + ".hlc_reserve(cnt);\n"
                + "        INSERT INTO " + t.meta() + " AS m (" + t.pkNames()
                + ", _hlc, _origin, _deleted, _tx, _seq, _bucket, _hash)\n"
                + "        SELECT " + t.pkList("v") + ", v._v, " + me + ", v._d, pg_current_xact_id(), nextval('"
                + s + ".change_seq'), " + s + ".bucket_of(v._pkt, " + bucketCount + "), " + s
                + ".row_hash(v._pkt, v._v, " + me + ", v._d)\n"
                + "        FROM (SELECT ch.*, base + row_number() OVER () - 1 AS _v FROM (" + changes + ") ch WHERE "
                + filter + ") v\n"
                + "        ON CONFLICT (" + t.pkNames() + ") DO UPDATE SET _hlc = EXCLUDED._hlc, _origin = EXCLUDED._origin,"
                + " _deleted = EXCLUDED._deleted, _tx = EXCLUDED._tx, _seq = EXCLUDED._seq, _bucket = EXCLUDED._bucket,"
                + " _hash = EXCLUDED._hash;\n"
                + "        PERFORM pg_notify('peersync_changes', '');\n"
                + "      END IF;\n";
    }
}
