package dev.peersync.core.store;

import java.util.Objects;

/**
 * What an apply does when an incoming row's value of a unique constraint is held here by a row with another key (the
 * same username registered on two nodes). The row whose value is the earlier one (by the version of the constraint's
 * first column) keeps it, on every node alike; the other row is never deleted:
 * <ul>
 *   <li>{@link Action#RENAME}: the other row is kept with each text column of the constraint renamed to
 *       {@code twin-<6 hex of md5(key, column)>-<value>}, the same on every node, as a write of its own (a new version
 *       of those columns only, so concurrent edits of its other columns survive), and {@code flagColumn} (a boolean
 *       column, or null) set true so the application can ask its owner to choose another value;</li>
 *   <li>{@link Action#PARK} (the default for constraints without a policy): the incoming row is parked with the reason,
 *       for the operator; the local row stays.</li>
 * </ul>
 *
 * @param table      a synced table, as named in {@link StoreSettings#tables()}
 * @param constraint the unique constraint's (or unique index's) name
 */
public record UniqueCollisionPolicy(String table, String constraint, Action action, String flagColumn) {
    /** What an apply does on a collision: rename the row that loses the value, or park the incoming row. */
    public enum Action { RENAME, PARK }

    public UniqueCollisionPolicy {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(constraint, "constraint");
        Objects.requireNonNull(action, "action");
        if (action == Action.PARK && flagColumn != null) {
            throw new IllegalArgumentException("a PARK policy sets no flag column, got: " + flagColumn);
        }
    }

    public static UniqueCollisionPolicy rename(String table, String constraint, String flagColumn) {
        return new UniqueCollisionPolicy(table, constraint, Action.RENAME, flagColumn);
    }

    public static UniqueCollisionPolicy park(String table, String constraint) {
        return new UniqueCollisionPolicy(table, constraint, Action.PARK, null);
    }
}
