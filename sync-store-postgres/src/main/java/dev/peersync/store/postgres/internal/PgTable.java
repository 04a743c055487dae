package dev.peersync.store.postgres.internal;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A synced table as read from the catalog, with the SQL fragments every statement about it needs.
 *
 * @param name        the name as configured (what crosses the wire in {@code RowChange.table})
 * @param schema      the table's schema
 * @param relname     the table's name in its schema
 * @param pk          primary-key columns in key order
 * @param columns     every column that can be written (generated columns left out), in attribute order
 * @param identityAlways true when an identity column is GENERATED ALWAYS (inserts need OVERRIDING SYSTEM VALUE)
 * @param parents     configured names of the synced tables this one references by foreign key
 * @param ownSchema   sync-core's schema
 * @param foreignKeys this table's foreign keys whose ON DELETE action writes it (SET NULL, CASCADE, SET DEFAULT)
 *                    or that point at a synced parent
 * @param attributes  the names of all the table's live columns (generated ones too), as when read
 * @param natts       {@code pg_class.relnatts} when read: ADD COLUMN raises it (capture notices a column it does not
 *                    know by it, see {@link CaptureSql})
 */
record PgTable(String name, String schema, String relname, List<Column> pk, List<Column> columns,
               boolean identityAlways, Set<String> parents, String ownSchema, List<ForeignKey> foreignKeys,
               List<String> attributes, int natts) {

    /**
     * A column.
     *
     * @param defaultExpr its default expression (SQL), null when it has none
     */
    record Column(String name, String type, String defaultExpr) {
        Column(String name, String type) {
            this(name, type, null);
        }

        /** Types without an equality operator: compared by their text. */
        private static final java.util.regex.Pattern NO_EQUALITY = java.util.regex.Pattern.compile(
                "(json|xml|point|line|lseg|box|path|polygon|circle)(\\[])*");

        String quoted() {
            return Sql.ident(name);
        }

        /** True when the column differs between rows {@code a} and {@code b} (nulls compare equal). */
        String changed(String a, String b) {
            return NO_EQUALITY.matcher(type).matches()
                    ? a + "." + quoted() + "::text IS DISTINCT FROM " + b + "." + quoted() + "::text"
                    : a + "." + quoted() + " IS DISTINCT FROM " + b + "." + quoted();
        }
    }

    /**
     * A foreign key of this table.
     *
     * @param name          the constraint's name
     * @param columns       referencing columns of this table, in key order
     * @param parent        the referenced table, quoted and qualified
     * @param parentColumns referenced columns, in key order
     * @param onDelete      {@code pg_constraint.confdeltype}: n SET NULL, c CASCADE, d SET DEFAULT, a/r no action
     * @param parentMeta    the parent's metadata table (quoted, qualified) when the parent is synced and the key
     *                      references its primary key; null otherwise
     */
    record ForeignKey(String name, List<String> columns, String parent, List<String> parentColumns, char onDelete,
                      String parentMeta) {
        ForeignKey {
            columns = List.copyOf(columns);
            parentColumns = List.copyOf(parentColumns);
        }

        /** {@code p.pc1 = a.c1 AND ...}: the parent row ({@code p}) a row ({@code alias}) references. */
        String parentJoin(String p, String alias) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                out.append(i > 0 ? " AND " : "").append(p).append('.').append(Sql.ident(parentColumns.get(i)))
                        .append(" = ").append(alias).append('.').append(Sql.ident(columns.get(i)));
            }
            return out.toString();
        }

        /** {@code a.c1 IS NOT NULL AND ...} (or IS NULL): the key's columns of a row. */
        String columnsAre(String alias, String test) {
            return columns.stream().map(c -> alias + "." + Sql.ident(c) + " " + test)
                    .collect(Collectors.joining(" AND "));
        }
    }

    PgTable {
        attributes = List.copyOf(attributes);
        foreignKeys = List.copyOf(foreignKeys);
        pk = List.copyOf(pk);
        columns = List.copyOf(columns);
        parents = Set.copyOf(parents);
    }

    /** The application table, quoted and schema-qualified. */
    String qualified() {
        return Sql.ident(schema) + "." + Sql.ident(relname);
    }

    /** True when a foreign key of this table references the table itself (a cascade may then change other rows of it). */
    boolean referencesItself() {
        return foreignKeys.stream().anyMatch(fk -> fk.parent().equals(qualified()));
    }

    String metaName() {
        return metaName(schema, relname);
    }

    /** The metadata table's name of a synced table, in sync-core's schema. */
    static String metaName(String schema, String relname) {
        return "m_" + ("public".equals(schema) ? relname : schema + "__" + relname);
    }

    /** sync-core's metadata table for this table, quoted and qualified. */
    String meta() {
        return Sql.ident(ownSchema) + "." + Sql.ident(metaName());
    }

    /** The capture trigger function, quoted and qualified. */
    String captureFunction() {
        return Sql.ident(ownSchema) + "." + Sql.ident("c_" + metaName().substring(2));
    }

    /** {@code a.c1, a.c2} for the primary-key columns. */
    String pkList(String alias) {
        return pk.stream().map(c -> alias + "." + c.quoted()).collect(Collectors.joining(", "));
    }

    /** {@code c1, c2} for the primary-key columns. */
    String pkNames() {
        return pk.stream().map(Column::quoted).collect(Collectors.joining(", "));
    }

    /** {@code a.c1 = b.c1 AND a.c2 = b.c2}. */
    String pkJoin(String a, String b) {
        return pk.stream().map(c -> a + "." + c.quoted() + " = " + b + "." + c.quoted())
                .collect(Collectors.joining(" AND "));
    }

    /**
     * The row {@code alias} as sent to peers, with its metadata row's column versions {@code cv}: the columns read with
     * this table, and a column added since only where {@code cv} lists it (capture versions a column it does not know
     * yet when a write sets it). Never a later column's null as such: between an ALTER and its registration a node
     * would otherwise send it at the row's version, and peers would take it over a value written there.
     * jsonb_build_object takes at most 100 arguments: 50 columns per call, the calls joined with {@code ||}.
     */
    String dataJson(String alias, String cv) {
        List<String> objects = new java.util.ArrayList<>();
        for (int from = 0; from < attributes.size(); from += 50) {
            List<String> pairs = new java.util.ArrayList<>();
            for (String a : attributes.subList(from, Math.min(attributes.size(), from + 50))) {
                pairs.add(Sql.literal(a) + ", " + alias + "." + Sql.ident(a));
            }
            objects.add("jsonb_build_object(" + String.join(", ", pairs) + ")");
        }
        String known = objects.isEmpty() ? "'{}'::jsonb" : "(" + String.join(" || ", objects) + ")";
        String names = "ARRAY[" + String.join(", ", attributes.stream().map(Sql::literal).toList()) + "]::text[]";
        // Column versions that name only known columns (the usual case): no per-row pass over the row's columns.
        return "(CASE WHEN " + cv + " IS NULL OR (" + cv + " - " + names + ") = '{}'::jsonb THEN " + known + " ELSE (SELECT jsonb_object_agg(e.key, e.value) FROM"
                + " jsonb_each(to_jsonb(" + alias + ".*)) e WHERE e.key = ANY(" + names + ") OR jsonb_exists(" + cv
                + ", e.key)) END)";
    }

    /** The canonical primary-key text of a row: a JSON array of the key values in key order. */
    String pkText(String alias) {
        return "jsonb_build_array(" + pkList(alias) + ")::text";
    }

    /** Key column types whose JSON text ({@code ->>}) is also their input text, so a plain cast reads them. */
    private static final java.util.regex.Pattern CASTABLE_KEY_TYPE = java.util.regex.Pattern.compile(
            "uuid|smallint|integer|bigint|text|boolean|date|numeric(\\(.*\\))?|character varying(\\(\\d+\\))?"
                    + "|timestamp(\\(\\d\\))? with(out)? time zone");

    /**
     * A row source (for {@code CROSS JOIN LATERAL}) of the typed key columns of a JSON array of key values
     * ({@code pkJson}, a jsonb expression). Plain casts of {@code ->>} for common key types: building a record of
     * the whole table per row ({@link #pkRecord}) costs several times more, and this runs for every incoming row.
     */
    String pkColumns(String pkJson) {
        if (!pk.stream().allMatch(c -> CASTABLE_KEY_TYPE.matcher(c.type()).matches())) {
            return pkRecord(pkJson);
        }
        StringBuilder out = new StringBuilder("(SELECT ");
        for (int i = 0; i < pk.size(); i++) {
            Column c = pk.get(i);
            out.append(i > 0 ? ", " : "").append("(").append(pkJson).append(" ->> ").append(i).append(")::")
                    .append(c.type()).append(" AS ").append(c.quoted());
        }
        return out.append(")").toString();
    }

    /**
     * A record of this table's type whose key columns come from a JSON array of key values
     * ({@code pkJson}, a jsonb expression): the typed key of an incoming row.
     */
    String pkRecord(String pkJson) {
        StringBuilder obj = new StringBuilder("jsonb_build_object(");
        for (int i = 0; i < pk.size(); i++) {
            if (i > 0) {
                obj.append(", ");
            }
            obj.append(Sql.literal(pk.get(i).name())).append(", ").append(pkJson).append(" -> ").append(i);
        }
        obj.append(")");
        return "jsonb_populate_record(null::" + qualified() + ", " + obj + ")";
    }

    /** Non-key writable columns. */
    List<Column> nonKeyColumns() {
        Set<String> keys = pk.stream().map(Column::name).collect(Collectors.toSet());
        return columns.stream().filter(c -> !keys.contains(c.name())).toList();
    }

    String columnNames(String alias) {
        return columns.stream().map(c -> alias.isEmpty() ? c.quoted() : alias + "." + c.quoted())
                .collect(Collectors.joining(", "));
    }
}
