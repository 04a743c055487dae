package dev.peersync.store.postgres.internal;

/** Quoting of identifiers and literals for SQL that sync-core generates from catalog names. */
final class Sql {
    /**
     * The settings every transaction of the store runs under. Keys of timestamptz columns as text in UTC, as the
     * capture triggers write them. No JIT: the store's statements are short index walks, and on a server built with
     * LLVM (distribution packages, the official images) a plan whose estimate passes {@code jit_above_cost} is
     * compiled first, for one to two seconds on every call; the feed's {@code enable_sort = off} alone puts its
     * estimate there.
     */
    static final String TRANSACTION_SETTINGS = "SET LOCAL timezone = 'UTC'; SET LOCAL jit = off";

    private Sql() {
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
