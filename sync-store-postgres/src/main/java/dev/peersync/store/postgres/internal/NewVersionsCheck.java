package dev.peersync.store.postgres.internal;

import java.util.Collection;
import org.jdbi.v3.core.Handle;

/**
 * What the merge rule's path would do differently with versions of keys that are new here: park those too far ahead of
 * our clock, and skip those at or below a truncation of their table held here. Paths that write new rows without that
 * path ({@link PageCopy}, {@link NewRowsApply}) ask first, and leave such batches to it. Conservative: one bound for the
 * whole batch.
 */
final class NewVersionsCheck {
    private NewVersionsCheck() {
    }

    /**
     * SQL of how far (ms) the highest version, bound as {@code :max}, is ahead of our clock; {@code s} is the sync-core
     * schema, quoted.
     */
    static String aheadSql(String s) {
        return "(CAST(:max AS bigint) >> 16) - " + s + ".phys_ms()";
    }

    /** SQL of whether a truncation held here of one of the tables {@code :t} is at or above the lowest version {@code :min}. */
    static String truncatedSql(String s) {
        return "EXISTS (SELECT 1 FROM " + s + ".truncations w WHERE w.tbl = ANY(CAST(:t AS text[])) AND w.hlc >= :min)";
    }

    /** Why the versions cannot go in as new, from the two values above, or null when they can. */
    static String refusal(long ahead, boolean truncated, long maxOffsetMillis, Collection<String> tables) {
        if (ahead > maxOffsetMillis) {
            return "versions " + ahead + " ms ahead of our clock (max " + maxOffsetMillis + " ms)";
        }
        if (truncated) {
            return "versions at or below a truncation of " + String.join(", ", tables) + " held here";
        }
        return null;
    }

    /** The same in a statement of its own. */
    static String refusal(Handle h, String s, long maxOffsetMillis, Collection<String> tables, long minHlc,
                          long maxHlc) {
        record Check(long ahead, boolean truncated) {
        }
        Check c = h.createQuery("SELECT " + aheadSql(s) + ", " + truncatedSql(s))
                .bind("max", maxHlc).bind("min", minHlc).bindArray("t", String.class, tables.toArray())
                .map((rs, ctx) -> new Check(rs.getLong(1), rs.getBoolean(2))).one();
        return refusal(c.ahead(), c.truncated(), maxOffsetMillis, tables);
    }
}
