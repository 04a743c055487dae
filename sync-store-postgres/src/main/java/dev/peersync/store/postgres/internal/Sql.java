package dev.peersync.store.postgres.internal;

/** Quoting of identifiers and literals for SQL that sync-core generates from catalog names. */
final class Sql {
    private Sql() {
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
