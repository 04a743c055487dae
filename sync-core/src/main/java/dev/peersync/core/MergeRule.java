package dev.peersync.core;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The merge rule, in one place: what becomes of a row when an incoming version of it meets the one held here. Written
 * once in Java (anti-entropy decides what to fetch) and once as SQL (the apply classifies and records whole batches);
 * a test checks that the two agree on every case.
 *
 * <p>A live row carries a version per column: the version of the write that last changed that column. The row's
 * version is the highest of them; only the columns below it are listed ({@link ColumnVersions}).
 * <ol>
 *   <li>Two live rows merge column by column: each column takes the value with the higher column version. So
 *       concurrent updates of different columns both survive, and of the same column the higher version wins. When
 *       one side is ahead in every column where they differ, it simply wins ({@link Outcome#INCOMING} or
 *       {@link Outcome#LOCAL}); when each is ahead somewhere, the row is {@link Outcome#MERGE}d.</li>
 *   <li>A tombstone against a row (update vs delete, delete vs insert) is decided by the row versions: the delete wins
 *       when it is later than every column of the row; a row written after the delete comes back as written.</li>
 *   <li>The same versions: the row as written beats a derived copy of it, and a live row beats a tombstone. A derived
 *       tombstone (a cascade of a parent's delete) keeps the row's version, and so does derived data (a SET NULL):
 *       when the parent's delete loses to a concurrent update, the child as written comes back on every node.</li>
 * </ol>
 * A higher version wins by {@code (hlc, node)} in {@link Version} order. Per column the rule is a maximum over a total
 * order, so merging is commutative, associative and idempotent between live rows: nodes that saw the same writes hold
 * the same rows, whatever the order of delivery.
 */
public final class MergeRule {
    private MergeRule() {
    }

    /** What becomes of the row. */
    public enum Outcome {
        /** The incoming version replaces the one held (or nothing is held). */
        INCOMING,
        /** The row held stays as it is. */
        LOCAL,
        /** Each side is ahead in some column: the row takes each column from the side with its higher version. */
        MERGE
    }

    /**
     * One side of the comparison.
     *
     * @param columns the versions of the columns below {@code version} (empty: every column has the row's version);
     *                a tombstone has none
     */
    public record Side(Version version, boolean deleted, boolean derived, Map<String, Version> columns) {
        public Side {
            Objects.requireNonNull(version, "version");
            columns = deleted || columns == null ? Map.of() : Map.copyOf(columns);
        }

        /** A side whose columns all carry its version. */
        public Side(Version version, boolean deleted, boolean derived) {
            this(version, deleted, derived, Map.of());
        }

        Version column(String name) {
            return columns.getOrDefault(name, version);
        }
    }

    /** The outcome when {@code incoming} meets {@code local} (null: nothing held here). */
    public static Outcome outcome(Side incoming, Side local) {
        if (local == null) {
            return Outcome.INCOMING;
        }
        boolean incomingAhead = incoming.version().isAfter(local.version());
        boolean localAhead = local.version().isAfter(incoming.version());
        if (!incoming.deleted() && !local.deleted()) {
            // Columns listed by neither side carry the row versions, compared above: comparing the listed ones is enough
            // (the row version of each side is the version of some column it does not list).
            Set<String> listed = new HashSet<>(incoming.columns().keySet());
            listed.addAll(local.columns().keySet());
            for (String c : listed) {
                int byColumn = incoming.column(c).compareTo(local.column(c));
                incomingAhead |= byColumn > 0;
                localAhead |= byColumn < 0;
            }
        }
        if (incomingAhead != localAhead) {
            return incomingAhead ? Outcome.INCOMING : Outcome.LOCAL;
        }
        if (incomingAhead) {
            return Outcome.MERGE;
        }
        // The same versions everywhere: the row as written beats derived data and tombstones.
        return rank(incoming.deleted(), incoming.derived()) > rank(local.deleted(), local.derived())
                ? Outcome.INCOMING : Outcome.LOCAL;
    }

    /** True when {@code incoming} replaces {@code local} whole (null: nothing held here). */
    public static boolean incomingWins(Side incoming, Side local) {
        return outcome(incoming, local) == Outcome.INCOMING;
    }

    /**
     * A necessary condition of {@link Outcome#INCOMING}: the incoming row version is not below the one held (a side
     * that wins is ahead or level in every column, its row version included). Cheap where the whole rule is not: it
     * guards a write that was classified already against going back, without comparing columns again.
     */
    public static boolean notBehind(Side incoming, Side local) {
        return local == null || incoming.version().compareTo(local.version()) >= 0;
    }

    /** {@link #notBehind} as an SQL boolean ({@code local.hlc} null: nothing held). */
    public static String notBehindSql(Columns incoming, Columns local) {
        return "(" + local.hlc() + " IS NULL OR (" + incoming.hlc() + ", " + incoming.node() + ") >= (" + local.hlc()
                + ", " + local.node() + "))";
    }

    /** Within one version: a tombstone, then derived data, then the row as written. */
    private static int rank(boolean deleted, boolean derived) {
        return deleted ? 0 : derived ? 1 : 2;
    }

    /**
     * SQL expressions of one side: its hlc ({@code bigint}), node ({@code uuid}), deleted and derived flags, and column
     * versions ({@code jsonb} in the {@link ColumnVersions} form, null when none).
     */
    public record Columns(String hlc, String node, String deleted, String derived, String columns) {
    }

    /**
     * The same rule as an SQL expression giving {@code 'win'} ({@link Outcome#INCOMING}), {@code 'skip'}
     * ({@link Outcome#LOCAL}) or {@code 'merge'}. {@code local.hlc} is null when nothing is held (an outer join that
     * found no metadata row). The column comparison runs only where a side lists column versions.
     */
    public static String outcomeSql(Columns incoming, Columns local) {
        String in = "(" + incoming.hlc() + ", " + incoming.node() + ")";
        String loc = "(" + local.hlc() + ", " + local.node() + ")";
        String byRank = "CASE WHEN " + rankSql(incoming) + " > " + rankSql(local) + " THEN 'win' ELSE 'skip' END";
        String byRow = "CASE WHEN " + in + " > " + loc + " THEN 'win' WHEN " + in + " < " + loc + " THEN 'skip' ELSE "
                + byRank + " END";
        String ahead = "(SELECT bool_or(ci > cl) AS i, bool_or(cl > ci) AS l FROM (SELECT " + in + " AS ci, " + loc
                + " AS cl UNION ALL SELECT " + column(incoming, "k.c") + ", " + column(local, "k.c") + " FROM ("
                + "SELECT jsonb_object_keys(" + incoming.columns() + ") UNION SELECT jsonb_object_keys(" + local.columns()
                + ")) k(c)) v)";
        String byColumns = "(SELECT CASE WHEN a.i AND a.l THEN 'merge' WHEN a.i THEN 'win' WHEN a.l THEN 'skip' ELSE "
                + byRank + " END FROM " + ahead + " a)";
        return "(CASE WHEN " + local.hlc() + " IS NULL THEN 'win' WHEN " + incoming.deleted() + " OR " + local.deleted()
                + " OR (" + incoming.columns() + " IS NULL AND " + local.columns() + " IS NULL) THEN " + byRow
                + " ELSE " + byColumns + " END)";
    }

    /** The version of column {@code name} (an SQL text expression) on one side: listed, or the row's. */
    public static String column(Columns side, String name) {
        return "(" + columnHlc(side, name) + ", " + columnNode(side, name) + ")";
    }

    /** The hlc of the version of column {@code name} on one side. */
    public static String columnHlc(Columns side, String name) {
        return "coalesce((" + side.columns() + " -> " + name + " ->> 0)::bigint, " + side.hlc() + ")";
    }

    /** The node of the version of column {@code name} on one side. */
    public static String columnNode(Columns side, String name) {
        return "coalesce((" + side.columns() + " -> " + name + " ->> 1)::uuid, " + side.node() + ")";
    }

    private static String rankSql(Columns side) {
        return "(CASE WHEN " + side.deleted() + " THEN 0 WHEN " + side.derived() + " THEN 1 ELSE 2 END)";
    }
}
