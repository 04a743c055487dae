package dev.peersync.store.postgres.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The column versions ({@code _cv}) of a row after a local write changed some of its columns. */
final class ColumnVersionsSql {
    private ColumnVersionsSql() {
    }

    /**
     * The columns the write left unchanged keep the versions they had under the metadata row {@code om} (listed, or the
     * row's); the changed ones ({@code changed}: an SQL boolean per column) take the write's new version, which is the
     * row's, so they are not listed. {@code '{}'} becomes null. jsonb_build_object takes at most 100 arguments: 40
     * columns per call.
     */
    static String afterWrite(PgTable t, Function<PgTable.Column, String> changed, String om) {
        if (t.nonKeyColumns().isEmpty()) {
            return "NULL::jsonb";
        }
        return "nullif(jsonb_strip_nulls(" + perColumn(t, c -> "CASE WHEN " + changed.apply(c) + " THEN NULL ELSE coalesce("
                + om + "._cv -> " + Sql.literal(c.name()) + ", jsonb_build_array(" + om + "._hlc, " + om + "._origin)) END")
                + "), '{}')";
    }

    /**
     * A jsonb object with an entry per non-key column of {@code t}, its value the SQL expression {@code entry} gives.
     * jsonb_build_object takes at most 100 arguments: 40 columns per call, the calls joined with {@code ||}.
     */
    static String perColumn(PgTable t, Function<PgTable.Column, String> entry) {
        List<PgTable.Column> cols = t.nonKeyColumns();
        List<String> objects = new ArrayList<>();
        for (int from = 0; from < cols.size(); from += 40) {
            List<String> pairs = new ArrayList<>();
            for (PgTable.Column c : cols.subList(from, Math.min(cols.size(), from + 40))) {
                pairs.add(Sql.literal(c.name()) + ", " + entry.apply(c));
            }
            objects.add("jsonb_build_object(" + String.join(", ", pairs) + ")");
        }
        return "(" + String.join(" || ", objects) + ")";
    }
}
