package dev.peersync.store.postgres.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The columns capture versions, per synced table ({@code synced_columns}), and what a table gaining one means for its
 * metadata. A row's version covers the columns it does not list ({@link dev.peersync.core.ColumnVersions}); a column
 * added later was not written by that version, so every live row is marked as never having written it
 * ({@link MissingColumns#NEVER_ENTRY}): any node's real write of the column beats it, and the hashes are unchanged
 * (never-written entries are left out of them). Rows captured meanwhile by a capture function that did not know the
 * column list it explicitly ({@link CaptureSql}); such entries at the row's own version are made canonical here.
 */
final class ColumnRegistry {
    private ColumnRegistry() {
    }

    /**
     * Brings the registry in line with the tables as read: a table seen for the first time registers its columns as
     * they are; columns added since get the values held for them ({@link HeldValues}), the other rows are marked never
     * having written them, and they are registered; dropped ones are
     * forgotten. Returns the added columns per table (the caller regenerates capture). {@code s}: the schema, quoted.
     */
    static Map<String, List<String>> reconcile(Handle h, String s, List<PgTable> tables, HeldValues held) {
        Map<String, List<String>> added = new LinkedHashMap<>();
        for (PgTable t : tables) {
            List<String> registered = h.createQuery("SELECT col FROM " + s + ".synced_columns WHERE tbl = :t")
                    .bind("t", t.name()).mapTo(String.class).list();
            List<String> now = t.nonKeyColumns().stream().map(PgTable.Column::name).toList();
            if (registered.isEmpty()) {
                register(h, s, t, now);
                continue;
            }
            List<String> fresh = new ArrayList<>(now);
            fresh.removeAll(registered);
            List<String> dropped = new ArrayList<>(registered);
            dropped.removeAll(now);
            if (!fresh.isEmpty()) {
                fresh.forEach(c -> held.apply(h, t, c)); // values peers wrote before this node had the column
                markNeverWritten(h, s, t, fresh);
                register(h, s, t, fresh);
                added.put(t.name(), fresh);
            }
            if (!dropped.isEmpty()) {
                h.createUpdate("DELETE FROM " + s + ".synced_columns WHERE tbl = :t AND col = ANY(:c)").bind("t", t.name())
                        .bindArray("c", String.class, dropped.toArray()).execute();
            }
        }
        return added;
    }

    private static void register(Handle h, String s, PgTable t, List<String> columns) {
        h.createUpdate("INSERT INTO " + s + ".synced_columns (tbl, col) SELECT :t, unnest(:c) ON CONFLICT DO NOTHING")
                .bind("t", t.name()).bindArray("c", String.class, columns.toArray()).execute();
    }

    private static void markNeverWritten(Handle h, String s, PgTable t, List<String> columns) {
        String cols = "CAST(:c AS text[])";
        h.createUpdate("UPDATE " + t.meta() + " m SET _cv = coalesce(m._cv, '{}') || (SELECT jsonb_object_agg(c, "
                        + MissingColumns.NEVER_ENTRY + ") FROM unnest(" + cols + ") c WHERE NOT jsonb_exists(coalesce(m._cv,"
                        + " '{}'), c)) WHERE NOT m._deleted AND NOT jsonb_exists_all(coalesce(m._cv, '{}'), " + cols + ")")
                .bindArray("c", String.class, columns.toArray()).execute();
        // Entries at the row's own version (written by a capture that listed the unknown column): canonical form
        // leaves them out, as every peer stores them; the hash follows (it XORs the column versions' hash).
        h.execute("UPDATE " + t.meta() + " m SET _cv = x.cv, _hash = m._hash # " + s + ".cv_hash(m._cv) # " + s
                + ".cv_hash(x.cv) FROM (SELECT " + t.pkList("m2") + ", nullif((SELECT coalesce(jsonb_object_agg(e.key,"
                + " e.value), '{}') FROM jsonb_each(m2._cv) e WHERE e.value <> jsonb_build_array(m2._hlc, m2._origin)),"
                + " '{}') AS cv FROM " + t.meta() + " m2 WHERE m2._cv IS NOT NULL AND EXISTS (SELECT 1 FROM"
                + " jsonb_each(m2._cv) e WHERE e.value = jsonb_build_array(m2._hlc, m2._origin))) x WHERE "
                + t.pkJoin("m", "x"));
    }
}
