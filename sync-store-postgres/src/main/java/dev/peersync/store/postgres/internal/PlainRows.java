package dev.peersync.store.postgres.internal;

import dev.peersync.core.spi.RowChange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows the bulk apply paths ({@link NewRowsApply}, {@link SuccessorApply}) take: live rows as written (not derived)
 * of a synced table whose keys {@link PlainKeys} reads, whose data names every column the table has and no other.
 * Columns one side lacks (held values, defaults) and odd keys are the merge rule path's.
 */
final class PlainRows {
    private final Map<String, PgTable> tables;
    /** Each table with plain keys, and its writable columns, which a row's data must name. */
    private final Map<String, List<String>> columnNames = new HashMap<>();

    PlainRows(Map<String, PgTable> tables) {
        this.tables = tables;
        tables.values().forEach(t -> {
            if (PlainKeys.readable(t)) {
                columnNames.put(t.name(), t.columns().stream().map(PgTable.Column::name).toList());
            }
        });
    }

    /** The key columns' values of {@code c} when it is such a row, else null. */
    List<String> keyOf(RowChange c) {
        PgTable t = tables.get(c.table());
        List<String> columns = columnNames.get(c.table());
        if (t == null || columns == null || c.deleted() || c.derived() || c.data() == null) {
            return null;
        }
        Set<String> named = TopLevelKeys.of(c.data());
        if (named == null || !named.containsAll(columns) || !t.attributes().containsAll(named)) {
            return null;
        }
        return PlainKeys.values(c.pk(), t.pk());
    }
}
