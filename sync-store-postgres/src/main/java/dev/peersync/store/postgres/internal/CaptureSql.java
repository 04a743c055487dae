package dev.peersync.store.postgres.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The capture trigger function of one synced table. Statement-level AFTER triggers with transition tables
 * (one per event) write the metadata rows set-based: one clock reservation per statement, no per-row trigger call.
 *
 * <p>Inside an apply's statement (the transaction-local setting {@code peersync.applying} names the table being
 * written), rows that the apply itself is writing (present in {@code pg_temp.peersync_incoming} as winners with the
 * same deleted flag) are left to the apply, which records them with their origin version. That holds for every
 * synced table, not only the one being written: an application trigger may write a row of another table that the
 * same batch brings.
 *
 * <p>Rows written by a foreign key's ON DELETE action (SET NULL, CASCADE) are derived effects: every node derives
 * them itself when it deletes the parent, so they never get a new version and never outrank a real write. A
 * cascaded delete marks the metadata row deleted keeping its version; a SET NULL leaves the metadata as it is.
 * PostgreSQL fires the statement triggers of cascaded statements at trigger depth 1, like a user's statement, so
 * a change is recognised by its content instead: a deleted row (CASCADE) or a row whose key columns became null
 * (SET NULL) whose former parent no longer exists. No user statement can produce that, as the foreign key holds.
 * Updates and deletes made by statements of other triggers (depth > 1) are derived too: the same trigger fires on
 * every node when it applies the cause.
 */
final class CaptureSql {
    static final String APPLYING_SETTING = "peersync.applying";
    /**
     * Transaction-local: names the table a snapshot page is being loaded into. The loader records the page's
     * versions itself, so the capture trigger leaves the loader's own insert (trigger depth 1) alone.
     */
    static final String SNAPSHOT_SETTING = "peersync.snapshot";
    /**
     * Transaction-local: names a table whose writes sync-core versions itself (an applied truncation's deletions, the
     * stale rows a rejoin drops, a unique collision's rename); capture leaves them alone. ("truncating" for history.)
     */
    static final String UNCAPTURED_SETTING = "peersync.truncating";
    /**
     * Transaction-local: names the table whose apply statement runs now and writes exactly that table's winners (the
     * upsert of {@link RowWriter}), which the apply records itself. Its statement trigger, at depth 1, returns at once
     * instead of checking each row against the batch. Not for a table that references itself: a cascade inside it fires
     * its statement trigger at depth 1 too, with rows that are no winners.
     */
    static final String WINNERS_SETTING = "peersync.winners";

    private CaptureSql() {
    }

    /** Sets {@link #UNCAPTURED_SETTING} to {@code table} ("" ends it) for the rest of the transaction. */
    static void uncaptured(org.jdbi.v3.core.Handle h, String table) {
        h.createQuery("SELECT set_config('" + UNCAPTURED_SETTING + "', :t, true)").bind("t", table).mapTo(String.class).one();
    }

    static String function(PgTable t, int bucketCount, UUID nodeId) {
        String s = Sql.ident(t.ownSchema());
        String deleted = "SELECT " + t.pkList("o") + ", " + t.pkText("o") + " AS _pkt, true AS _d, "
                + derived(t, 'c', "o", "true", "o") + " AS _x, NULL::jsonb AS _cv FROM o";
        boolean setNull = t.foreignKeys().stream().anyMatch(fk -> fk.onDelete() == 'n');
        return "CREATE OR REPLACE FUNCTION " + t.captureFunction() + "() RETURNS trigger LANGUAGE plpgsql"
                + " SET timezone = 'UTC' AS $f$\n"
                + "DECLARE\n"
                + "  own boolean := coalesce(current_setting('" + APPLYING_SETTING + "', true), '') <> '';\n"
                // A column added since this function was generated (refreshSchema regenerates it soon).
                + "  drift boolean := (SELECT relnatts FROM pg_class WHERE oid = TG_RELID) <> " + t.natts() + ";\n"
                + "BEGIN\n"
                // An applied truncation deletes rows below its version: they need no tombstones of this node's.
                + "  IF coalesce(current_setting('" + UNCAPTURED_SETTING + "', true), '') = " + Sql.literal(t.name())
                + " THEN\n"
                + "    RETURN NULL;\n"
                + "  END IF;\n"
                + "  IF TG_OP = 'INSERT' AND pg_trigger_depth() = 1 AND coalesce(current_setting('" + SNAPSHOT_SETTING
                + "', true), '') = " + Sql.literal(t.name()) + " THEN\n"
                + "    RETURN NULL;\n"
                + "  END IF;\n"
                + winnersOnly(t)
                + appliedOnly(t)
                // The usual statements when the function knows every column; the slower ones only meanwhile.
                + "  IF TG_OP = 'INSERT' AND drift THEN\n"
                + branch(t, s, inserted(t, true), false, true, bucketCount, nodeId)
                + "  ELSIF TG_OP = 'INSERT' THEN\n"
                + branch(t, s, inserted(t, false), false, false, bucketCount, nodeId)
                + "  ELSIF TG_OP = 'UPDATE' AND drift THEN\n"
                + branch(t, s, updated(t, setNull, true), false, true, bucketCount, nodeId)
                + (setNull ? markSetNull(t, s, updated(t, true, false)) : "")
                + "  ELSIF TG_OP = 'UPDATE' THEN\n"
                + branch(t, s, updated(t, setNull, false), false, false, bucketCount, nodeId)
                + (setNull ? markSetNull(t, s, updated(t, true, false)) : "")
                + "  ELSE\n"
                + branch(t, s, deleted, true, false, bucketCount, nodeId)
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END $f$";
    }

    /** Returns at once from the apply's upsert of this table's winners (see {@link #WINNERS_SETTING}). */
    private static String winnersOnly(PgTable t) {
        if (t.referencesItself()) {
            return "";
        }
        return "  IF pg_trigger_depth() = 1 AND coalesce(current_setting('" + WINNERS_SETTING + "', true), '') = "
                + Sql.literal(t.name()) + " THEN\n"
                + "    RETURN NULL;\n"
                + "  END IF;\n";
    }

    /**
     * Returns at once from a statement of an apply whose changed rows are all the apply's own winners (the usual case:
     * the apply records them itself), before the per-row work of the statements below, which would find nothing to
     * record. Each event's check is its own statement: one naming {@code n} cannot be planned for a DELETE.
     */
    private static String appliedOnly(PgTable t) {
        return "  IF own THEN\n"
                + "    IF TG_OP = 'INSERT' THEN\n"
                + "      IF NOT EXISTS (SELECT 1 FROM n WHERE " + notAppliedHere(t, "n", false) + ") THEN\n"
                + "        RETURN NULL;\n"
                + "      END IF;\n"
                + "    ELSIF TG_OP = 'UPDATE' THEN\n"
                + "      IF NOT EXISTS (SELECT 1 FROM n WHERE " + notAppliedHere(t, "n", false) + ")"
                + " AND NOT EXISTS (SELECT 1 FROM o WHERE NOT EXISTS (SELECT 1 FROM n WHERE " + t.pkJoin("n", "o") + ")) THEN\n"
                + "        RETURN NULL;\n"
                + "      END IF;\n"
                + "    ELSIF NOT EXISTS (SELECT 1 FROM o WHERE " + notAppliedHere(t, "o", true) + ") THEN\n"
                + "      RETURN NULL;\n"
                + "    END IF;\n"
                + "  END IF;\n";
    }

    /**
     * True when the row {@code row} of a transition table is not one of the apply's winners. A scalar subquery, which
     * stays a per-row index probe: as a NOT EXISTS the planner made it an anti join, and with the temp table's
     * statistics taken before classification (no 'win' yet) it chose to rescan the whole batch for every row.
     */
    private static String notAppliedHere(PgTable t, String row, boolean deleted) {
        return "(SELECT i.state FROM pg_temp.peersync_incoming i WHERE i.tbl = " + Sql.literal(t.name()) + " AND i.pk = "
                + t.pkText(row) + " AND " + (deleted ? "" : "NOT ") + "i.deleted LIMIT 1) IS DISTINCT FROM 'win'";
    }

    /** The inserted rows; with {@code unknown}, the versions of columns the function does not know ({@code _cvx}). */
    private static String inserted(PgTable t, boolean unknown) {
        return "SELECT " + t.pkList("n") + ", " + t.pkText("n") + " AS _pkt, false AS _d, false AS _x,"
                + " NULL::jsonb AS _cv" + (unknown ? ", " + unknownColumns(t, null) + " AS _cvx" : "") + " FROM n";
    }

    /** The updated rows (and keys an update moved away from, as deletes); {@code unknown} as for inserts. */
    private static String updated(PgTable t, boolean setNull, boolean unknown) {
        return "SELECT " + t.pkList("n") + ", " + t.pkText("n") + " AS _pkt, false AS _d, "
                + derived(t, 'n', "o", "n", "n") + " AS _x, "
                + (setNull ? onDeleteAction(t, 'n', "o", "n", "n") : "false") + " AS _sn, "
                + columnVersionsAfterUpdate(t) + " AS _cv" + (unknown ? ", " + unknownColumns(t, "o") + " AS _cvx" : "")
                // LATERAL with LIMIT (not flattened into a join): one index probe per updated row. As a plain join the
                // planner hashed the whole metadata table for every statement of more than a few rows.
                + " FROM n LEFT JOIN o ON " + t.pkJoin("o", "n") + " LEFT JOIN LATERAL (SELECT om.* FROM " + t.meta()
                + " om WHERE " + t.pkJoin("om", "n") + " LIMIT 1) om ON true"
                + " UNION ALL SELECT " + t.pkList("o") + ", " + t.pkText("o") + " AS _pkt, true AS _d, false AS _x,"
                + " false AS _sn, NULL::jsonb AS _cv" + (unknown ? ", NULL::jsonb AS _cvx" : "") + " FROM o"
                + " WHERE NOT EXISTS (SELECT 1 FROM n WHERE " + t.pkJoin("n", "o") + ")";
    }

    /**
     * The column versions of an updated row ({@code n}, was {@code o}, metadata before the update {@code om}): the
     * columns it left unchanged keep the versions they had; the changed ones take the new version, which is the row's,
     * so they are not listed. Null (every column at the row's version) for a new key, and when the statement changed
     * every column or none (a statement that rewrites a row as it is asserts it whole, as before column versions).
     */
    private static String columnVersionsAfterUpdate(PgTable t) {
        if (t.nonKeyColumns().isEmpty()) {
            return "NULL::jsonb";
        }
        String anyChanged = String.join(" OR ", t.nonKeyColumns().stream().map(c -> "(" + c.changed("n", "o") + ")").toList());
        String pk0 = t.pk().get(0).quoted();
        return "CASE WHEN o." + pk0 + " IS NULL OR om." + pk0 + " IS NULL OR om._deleted OR NOT (" + anyChanged
                + ") THEN NULL ELSE " + ColumnVersionsSql.afterWrite(t, c -> "(" + c.changed("n", "o") + ")", "om") + " END";
    }

    /**
     * The versions of columns this function does not know (added since it was generated: {@code drift}), or null.
     * They are listed explicitly even at the row's new version ({@code "now"}, replaced by that version in
     * {@link #write}), so that {@link ColumnRegistry}, which marks the columns never written wherever a row does not
     * list them, can tell a real write of the column from a version that predates it. A new key writes them all; an
     * update ({@code old}: the old row) writes those it changed, and the others keep their versions, never written
     * when unlisted.
     */
    private static String unknownColumns(PgTable t, String old) {
        String known = "ARRAY[" + String.join(", ", t.attributes().stream().map(Sql::literal).toList()) + "]::text[]";
        String version = old == null ? "'\"now\"'::jsonb" : "CASE WHEN " + old + "." + t.pk().get(0).quoted()
                + " IS NULL OR e.value IS DISTINCT FROM to_jsonb(" + old + ".*) -> e.key THEN '\"now\"'::jsonb ELSE"
                + " coalesce(om._cv -> e.key, " + MissingColumns.NEVER_ENTRY + ") END";
        return "(SELECT jsonb_object_agg(e.key, " + version + ") FROM jsonb_each(to_jsonb(n.*)) e"
                + " WHERE e.key <> ALL(" + known + "))";
    }

    /**
     * True for a derived change: made by a trigger's statement (a user trigger writing this table: the same
     * trigger fires on every node on apply), or by the ON DELETE action {@code action} of one of the table's
     * foreign keys: the old row ({@code old}) referenced a parent that no longer exists, and (for SET NULL) the
     * new row ({@code now}) has the key's columns null. Only rows with metadata under {@code key}: others
     * (new keys) get a fresh version.
     */
    private static String derived(PgTable t, char action, String old, String now, String key) {
        List<String> cases = new ArrayList<>();
        // Our trigger runs at depth 1 for a user's statement and for statements of RI triggers (PostgreSQL queues
        // their AFTER statement triggers to the outer level), deeper for a statement issued by another trigger.
        cases.add("pg_trigger_depth() > 1");
        cases.addAll(actionCases(t, action, old, now));
        return "((" + String.join(" OR ", cases) + ") AND EXISTS (SELECT 1 FROM " + t.meta() + " m WHERE "
                + t.pkJoin("m", key) + "))";
    }

    /** True for a change made by the ON DELETE action {@code action} of a foreign key (rows with metadata only). */
    private static String onDeleteAction(PgTable t, char action, String old, String now, String key) {
        return "((" + String.join(" OR ", actionCases(t, action, old, now)) + ") AND EXISTS (SELECT 1 FROM "
                + t.meta() + " m WHERE " + t.pkJoin("m", key) + "))";
    }

    private static List<String> actionCases(PgTable t, char action, String old, String now) {
        List<String> cases = new ArrayList<>();
        for (PgTable.ForeignKey fk : t.foreignKeys()) {
            if (fk.onDelete() == action) {
                cases.add("(" + fk.columnsAre(old, "IS NOT NULL")
                        + (action == 'n' ? " AND " + fk.columnsAre(now, "IS NULL") : "")
                        + " AND NOT EXISTS (SELECT 1 FROM " + fk.parent() + " p WHERE " + fk.parentJoin("p", old) + "))");
            }
        }
        return cases;
    }

    /**
     * Rows nulled by a SET NULL keep their version, but their stored hash gets {@code DigestHash.DERIVED_MARK}
     * flipped: digests then tell the nulled row from the row as written, and the row as written (same version)
     * wins on apply. So a child nulled here by a parent's delete that lost to a concurrent update gets its
     * reference back from any node that never deleted the parent; where the delete wins, every node nulls the child
     * and marks it alike. Not in an apply's own statements: an applied row is recorded as written.
     */
    private static String markSetNull(PgTable t, String s, String changes) {
        String marked = Derived.hash(s, "ch._pkt", "m._hlc", "m._origin", "false", "true", "m._cv");
        String update = "      UPDATE " + t.meta() + " m SET _hash = " + marked + " FROM (" + changes + ") ch"
                + " WHERE ch._sn AND NOT ch._d AND " + t.pkJoin("m", "ch") + " AND NOT m._deleted AND m._hash <> " + marked;
        // Separate statements: the one naming the apply's temp table is only planned inside an apply.
        return "    IF own THEN\n" + update + " AND NOT EXISTS (SELECT 1 FROM pg_temp.peersync_incoming i WHERE i.tbl = "
                + Sql.literal(t.name()) + " AND i.pk = ch._pkt AND i.state = 'win');\n"
                + "    ELSE\n" + update + ";\n"
                + "    END IF;\n";
    }

    private static String branch(PgTable t, String s, String changes, boolean deletes, boolean unknown,
                                 int bucketCount, UUID nodeId) {
        String ownFilter = "NOT EXISTS (SELECT 1 FROM pg_temp.peersync_incoming i WHERE i.tbl = "
                + Sql.literal(t.name()) + " AND i.pk = ch._pkt AND i.deleted = ch._d AND i.state = 'win')";
        return "    IF own THEN\n" + write(t, s, changes, ownFilter, unknown, bucketCount, nodeId)
                + (deletes ? cascaded(t, s, changes, ownFilter) : "")
                + "    ELSE\n" + write(t, s, changes, "true", unknown, bucketCount, nodeId)
                + (deletes ? cascaded(t, s, changes, "true") : "")
                + "    END IF;\n";
    }

    /**
     * Rows deleted by a cascade or a trigger: tombstones that keep the version the row had (the digest follows the
     * flag). Without a CASCADE key only a trigger's statement can derive deletes: skip the statement otherwise.
     */
    private static String cascaded(PgTable t, String s, String changes, String filter) {
        boolean cascades = t.foreignKeys().stream().anyMatch(fk -> fk.onDelete() == 'c');
        return "      IF " + (cascades ? "true" : "pg_trigger_depth() > 1") + " THEN\n"
                + "      UPDATE " + t.meta() + " m SET _deleted = true, _cv = NULL, _hash = " + s
                + ".row_hash(ch._pkt, m._hlc, m._origin, true) FROM (" + changes + ") ch WHERE " + filter
                + " AND ch._x AND " + t.pkJoin("m", "ch") + " AND NOT m._deleted;\n"
                + "      END IF;\n";
    }

    /**
     * One statement per trigger call: statements that read transition tables are planned on every call, so the
     * clock reservation, the metadata upsert and the notification share one plan.
     */
    private static String write(PgTable t, String s, String changes, String filter, boolean unknown, int bucketCount,
                                UUID nodeId) {
        String me = Sql.literal(nodeId.toString()) + "::uuid";
        String fresh = filter + " AND NOT ch._x"; // derived effects keep their version
        String cv = unknown ? "f._cv" : "ch._cv";
        // No guard counting the changes first: that pass cost as much per row as the hashing. A statement that
        // changed nothing costs a clock reservation of zero values and a digest trigger call with no rows.
        return "      WITH ch AS MATERIALIZED (SELECT ch.*, row_number() OVER () - 1 AS _rn FROM (" + changes + ") ch"
                + " WHERE " + fresh + "),\n"
                + "      b AS MATERIALIZED (SELECT " + s + ".hlc_reserve(count(*)) AS base,"
                + " CASE WHEN count(*) > 0 THEN pg_notify('" + PgCommitListener.CHANNEL + "', '') END AS notified"
                + " FROM ch)\n"
                + "      INSERT INTO " + t.meta() + " AS m (" + t.pkNames()
                + ", _hlc, _origin, _deleted, _tx, _otx, _seq, _bucket, _cv, _hash)\n"
                + "      SELECT " + t.pkList("ch") + ", b.base + ch._rn, " + me + ", ch._d, pg_current_xact_id(),"
                + " pg_current_xact_id(), b.base + ch._rn, " + s + ".bucket_of(ch._pkt, " + bucketCount + "), " + cv + ", "
                + Derived.hash(s, "ch._pkt", "b.base + ch._rn", me, "ch._d", "false", cv) + "\n"
                + "      FROM ch CROSS JOIN b" + (unknown ? " CROSS JOIN LATERAL (SELECT CASE WHEN ch._cvx IS NULL THEN"
                + " ch._cv ELSE nullif(coalesce(ch._cv, '{}') || (SELECT jsonb_object_agg(e.key, CASE WHEN e.value ="
                + " '\"now\"'::jsonb THEN jsonb_build_array(b.base + ch._rn, " + me + ") ELSE e.value END) FROM"
                + " jsonb_each(ch._cvx) e), '{}') END AS _cv) f" : "") + "\n"
                + "      ON CONFLICT (" + t.pkNames() + ") DO UPDATE SET _hlc = EXCLUDED._hlc, _origin = EXCLUDED._origin,"
                + " _deleted = EXCLUDED._deleted, _tx = EXCLUDED._tx, _otx = EXCLUDED._otx, _seq = EXCLUDED._seq,"
                + " _bucket = EXCLUDED._bucket, _cv = EXCLUDED._cv, _hash = EXCLUDED._hash, _phlc = m._hlc,"
                + " _porigin = m._origin;\n";
    }
}
