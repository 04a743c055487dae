package dev.peersync.store.postgres.internal;

/**
 * Advisory-lock keys of one installation (derived from the schema name, so two installations in one
 * database never share a lock). Applies and snapshot loads take the {@link ApplyGate} instead: they need three modes.
 */
record Locks(long install, long clock, long digest) {

    static Locks forSchema(String schema) {
        return new Locks(key("install", schema), key("clock", schema), key("digest", schema));
    }

    private static long key(String purpose, String schema) {
        // String.hashCode is specified by the JLS, so every process derives the same key.
        return (0x7073L << 48) | ((long) purpose.hashCode() & 0xffffL) << 32 | (schema.hashCode() & 0xffffffffL);
    }
}
