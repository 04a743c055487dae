package dev.peersync.core;

import java.util.Objects;

/**
 * The merge rule, in one place: when an incoming version of a row replaces the one held here. Written once in Java
 * (anti-entropy decides what to fetch) and once as SQL (the apply classifies and records whole batches); a test
 * checks that the two agree on every case.
 *
 * <ol>
 *   <li>A higher version wins: {@code (hlc, node)} in {@link Version} order. Nothing held: the incoming one wins.</li>
 *   <li>The same version: the row as written beats a derived copy of it, and a live row beats a tombstone. A derived
 *       tombstone (a cascade of a parent's delete) keeps the row's version, and so does derived data (a SET NULL):
 *       when the parent's delete loses to a concurrent update, the child as written comes back on every node.</li>
 * </ol>
 * Tombstones compete by the same rule as updates. The rule is a maximum over a total order, so it is commutative,
 * associative and idempotent: nodes that saw the same versions hold the same rows, whatever the order of delivery.
 */
public final class MergeRule {
    private MergeRule() {
    }

    /** One side of the comparison: a version and what it is. */
    public record Side(Version version, boolean deleted, boolean derived) {
        public Side {
            Objects.requireNonNull(version, "version");
        }
    }

    /** True when {@code incoming} replaces {@code local} (null: nothing held here). */
    public static boolean incomingWins(Side incoming, Side local) {
        if (local == null) {
            return true;
        }
        int byVersion = incoming.version().compareTo(local.version());
        return byVersion > 0 || (byVersion == 0 && rank(incoming.deleted(), incoming.derived())
                > rank(local.deleted(), local.derived()));
    }

    /** Within one version: a tombstone, then derived data, then the row as written. */
    private static int rank(boolean deleted, boolean derived) {
        return deleted ? 0 : derived ? 1 : 2;
    }

    /** SQL expressions of one side: its hlc ({@code bigint}), node ({@code uuid}), deleted and derived flags. */
    public record Columns(String hlc, String node, String deleted, String derived) {
    }

    /**
     * The same rule as an SQL boolean expression. {@code local.hlc} is null when nothing is held (an outer join that
     * found no metadata row): the incoming version wins.
     */
    public static String incomingWinsSql(Columns incoming, Columns local) {
        return "(" + local.hlc() + " IS NULL OR (" + local.hlc() + ", " + local.node() + ") < (" + incoming.hlc()
                + ", " + incoming.node() + ") OR ((" + local.hlc() + ", " + local.node() + ") = (" + incoming.hlc()
                + ", " + incoming.node() + ") AND " + rankSql(incoming) + " > " + rankSql(local) + "))";
    }

    private static String rankSql(Columns side) {
        return "(CASE WHEN " + side.deleted() + " THEN 0 WHEN " + side.derived() + " THEN 1 ELSE 2 END)";
    }
}
