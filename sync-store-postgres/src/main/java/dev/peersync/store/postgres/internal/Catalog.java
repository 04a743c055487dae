package dev.peersync.store.postgres.internal;

import dev.peersync.core.store.SyncSetupException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/** Reads synced tables from the catalog, rejects what cannot be synced, orders them by the foreign-key graph. */
final class Catalog {
    private static final Pattern NAME = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");
    /** Column names of the metadata tables and of the capture statements: a key column may not use them. */
    private static final Set<String> RESERVED = Set.of("_hlc", "_origin", "_deleted", "_tx", "_seq", "_bucket",
            "_hash", "_pkt", "_d", "_rn", "_v");

    private Catalog() {
    }

    /**
     * A text that changes when a column of the named tables is added, dropped, renamed or retyped: one cheap catalog
     * query, run often to notice a migration ({@code PgStore.refreshSchema}).
     */
    static String columnSignature(Handle h, List<String> names) {
        return h.createQuery("SELECT coalesce(md5(string_agg(a.attrelid::text || ' ' || a.attname || ' ' || a.atttypid"
                        + " || ' ' || a.atttypmod || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ',' ORDER BY"
                        + " a.attrelid, a.attnum)), '') FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid"
                        + " AND d.adnum = a.attnum WHERE a.attrelid = ANY(SELECT to_regclass(n) FROM unnest(CAST(:names AS text[])) n)"
                        + " AND a.attnum > 0 AND NOT a.attisdropped")
                .bindArray("names", String.class, names.toArray(new String[0])).mapTo(String.class).one();
    }

    /** The tables, parents before children; throws {@link SyncSetupException} naming every problem found. */
    static List<PgTable> read(Handle h, List<String> names, String ownSchema) {
        List<String> problems = new ArrayList<>();
        Map<Long, String> oidToName = new HashMap<>();
        Map<String, Long> nameToOid = new LinkedHashMap<>();
        for (String name : names) {
            if (name == null || !NAME.matcher(name).matches()) {
                problems.add("'" + name + "' is not a valid table name (expected name or schema.name, unquoted)");
                continue;
            }
            Map<String, Object> rel = h.createQuery("""
                    SELECT c.oid::bigint AS oid, c.relkind::text AS kind, n.nspname AS schema
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.oid = to_regclass(:name)""").bind("name", name).mapToMap().findOne().orElse(null);
            if (rel == null) {
                problems.add("table '" + name + "' does not exist (search_path: "
                        + h.createQuery("SHOW search_path").mapTo(String.class).one() + ")");
                continue;
            }
            String kind = (String) rel.get("kind");
            if (!"r".equals(kind) && !"p".equals(kind)) {
                problems.add("'" + name + "' is not a table (relkind " + kind + "): only ordinary and partitioned "
                        + "tables can be synced");
                continue;
            }
            if (ownSchema.equals(rel.get("schema"))) {
                problems.add("'" + name + "' is in sync-core's own schema " + ownSchema);
                continue;
            }
            long oid = ((Number) rel.get("oid")).longValue();
            if (oidToName.containsKey(oid)) {
                problems.add("'" + name + "' names the same table as '" + oidToName.get(oid) + "'");
                continue;
            }
            oidToName.put(oid, name);
            nameToOid.put(name, oid);
        }
        Map<String, PgTable> tables = new LinkedHashMap<>();
        Set<String> metaNames = new LinkedHashSet<>();
        for (Map.Entry<String, Long> e : nameToOid.entrySet()) {
            PgTable table = readTable(h, e.getKey(), e.getValue(), oidToName, ownSchema, problems);
            if (table != null) {
                if (!metaNames.add(table.metaName())) {
                    problems.add("'" + e.getKey() + "' maps to metadata table " + table.metaName()
                            + " already used by another synced table");
                }
                tables.put(e.getKey(), table);
            }
        }
        if (!problems.isEmpty()) {
            throw new SyncSetupException("Cannot sync the configured tables, nothing was installed: "
                    + String.join("; ", problems));
        }
        return parentsFirst(tables);
    }

    private static PgTable readTable(Handle h, String name, long oid, Map<Long, String> oidToName, String ownSchema,
                                     List<String> problems) {
        Map<String, Object> rel = h.createQuery("""
                SELECT n.nspname AS schema, c.relname AS relname
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = :oid""")
                .bind("oid", oid).mapToMap().one();
        List<PgTable.Column> pk = h.createQuery("""
                SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
                FROM pg_index i
                CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = :oid AND i.indisprimary
                ORDER BY k.ord""").bind("oid", oid)
                .map((rs, ctx) -> new PgTable.Column(rs.getString("name"), rs.getString("type"))).list();
        if (pk.isEmpty()) {
            problems.add("table '" + name + "' has no primary key: sync identifies rows by primary key, add one "
                    + "(ALTER TABLE " + name + " ADD PRIMARY KEY (...))");
            return null;
        }
        for (PgTable.Column c : pk) {
            if (RESERVED.contains(c.name())) {
                problems.add("table '" + name + "' has a primary-key column named " + c.name()
                        + ", which sync-core's metadata uses; rename it");
                return null;
            }
        }
        List<Map<String, Object>> cols = h.createQuery("""
                SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                       a.attgenerated::text AS generated, a.attidentity::text AS identity,
                       pg_get_expr(d.adbin, d.adrelid) AS dflt
                FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE a.attrelid = :oid AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""").bind("oid", oid).mapToMap().list();
        List<PgTable.Column> writable = new ArrayList<>();
        boolean identityAlways = false;
        for (Map<String, Object> c : cols) {
            if (((String) c.get("generated")).isEmpty()) {
                writable.add(new PgTable.Column((String) c.get("name"), (String) c.get("type"), (String) c.get("dflt")));
            }
            identityAlways |= "a".equals(c.get("identity"));
        }
        Set<String> parents = new TreeSet<>();
        for (Long parentOid : h.createQuery(
                "SELECT DISTINCT confrelid::bigint FROM pg_constraint WHERE contype = 'f' AND conrelid = :oid")
                .bind("oid", oid).mapTo(Long.class).list()) {
            String parent = oidToName.get(parentOid);
            if (parent != null && parentOid != oid) {
                parents.add(parent);
            }
        }
        int natts = h.createQuery("SELECT relnatts::int FROM pg_class WHERE oid = :oid").bind("oid", oid)
                .mapTo(Integer.class).one();
        return new PgTable(name, (String) rel.get("schema"), (String) rel.get("relname"), pk, writable,
                identityAlways, parents, ownSchema, foreignKeys(h, oid, oidToName, ownSchema),
                cols.stream().map(c -> (String) c.get("name")).toList(), natts);
    }

    /** Every foreign key of the table, with its ON DELETE action and, for a synced parent, its metadata table. */
    private static List<PgTable.ForeignKey> foreignKeys(Handle h, long oid, Map<Long, String> oidToName,
                                                        String ownSchema) {
        List<PgTable.ForeignKey> keys = new ArrayList<>();
        for (Map<String, Object> fk : h.createQuery("""
                SELECT c.conname AS name, c.confrelid::bigint AS parent_oid, c.confdeltype::text AS action,
                       pn.nspname AS parent_schema, pc.relname AS parent_rel,
                       (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols,
                       (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS parent_cols,
                       (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_index i
                        CROSS JOIN LATERAL unnest(i.indkey::int2[]) k(attnum)
                        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                        WHERE i.indrelid = c.confrelid AND i.indisprimary) AS parent_pk
                FROM pg_constraint c JOIN pg_class pc ON pc.oid = c.confrelid
                JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                WHERE c.contype = 'f' AND c.conrelid = :oid ORDER BY c.conname""")
                .bind("oid", oid).mapToMap().list()) {
            List<String> cols = stringList(fk.get("cols"));
            List<String> parentCols = stringList(fk.get("parent_cols"));
            String parentSchema = (String) fk.get("parent_schema");
            String parentRel = (String) fk.get("parent_rel");
            boolean synced = oidToName.containsKey(((Number) fk.get("parent_oid")).longValue());
            // The parent's metadata has its primary-key columns only: look-ups need the key to reference exactly those.
            boolean referencesPk = new TreeSet<>(parentCols).equals(new TreeSet<>(stringList(fk.get("parent_pk"))));
            String parentMeta = synced && referencesPk ? Sql.ident(ownSchema) + "."
                    + Sql.ident(PgTable.metaName(parentSchema, parentRel)) : null;
            keys.add(new PgTable.ForeignKey((String) fk.get("name"), cols,
                    Sql.ident(parentSchema) + "." + Sql.ident(parentRel), parentCols,
                    ((String) fk.get("action")).charAt(0), parentMeta));
        }
        return keys;
    }

    private static List<String> stringList(Object sqlArray) {
        if (sqlArray == null) {
            return List.of();
        }
        try {
            return List.of((String[]) ((java.sql.Array) sqlArray).getArray());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not read a catalog array: " + e.getMessage(), e);
        }
    }

    /** Topological order (parents first); ties and cycles broken by configured order. */
    private static List<PgTable> parentsFirst(Map<String, PgTable> tables) {
        List<PgTable> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (done.size() < tables.size()) {
            PgTable next = null;
            for (PgTable t : tables.values()) {
                if (!done.contains(t.name()) && done.containsAll(t.parents())) {
                    next = t;
                    break;
                }
            }
            if (next == null) { // a cycle: take the first remaining one
                next = tables.values().stream().filter(t -> !done.contains(t.name())).findFirst().orElseThrow();
            }
            done.add(next.name());
            ordered.add(next);
        }
        return ordered;
    }
}
