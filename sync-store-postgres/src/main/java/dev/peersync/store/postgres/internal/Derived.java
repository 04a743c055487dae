package dev.peersync.store.postgres.internal;

import dev.peersync.core.spi.DigestHash;

/**
 * Stored hashes of versions, and derived versions (see {@code RowVersion.derived}): live rows whose stored hash has
 * {@code DigestHash.DERIVED_MARK} flipped, because their data is a foreign key's SET NULL kept under the version the row
 * was written with. The one place that knows how that hash is written and recognised in SQL.
 */
final class Derived {
    private Derived() {
    }

    /** True when the metadata row {@code m} (of table {@code t}, sync-core schema {@code schema}, quoted) is derived. */
    static String sql(String schema, PgTable t, String m) {
        return sql(schema, t.pkText(m), m);
    }

    /** The same, with the row's canonical key text given as {@code keyText}. */
    static String sql(String schema, String keyText, String m) {
        return "(NOT " + m + "._deleted AND " + m + "._hash <> " + hash(schema, keyText, m + "._hlc", m + "._origin",
                "false", "false", m + "._cv") + ")";
    }

    /**
     * The stored hash of a version: its row hash XOR the hash of its column versions ({@code cv}, jsonb, null when
     * none), with the mark flipped where {@code derived} (SQL boolean) holds.
     */
    static String hash(String schema, String keyText, String hlc, String origin, String deleted, String derived,
                       String cv) {
        return "(" + versionHash(schema, keyText, hlc, origin, deleted, cv) + " # " + mark(derived) + ")";
    }

    /**
     * The same, taking the version's hash from {@code precomputed} (SQL bigint: row hash XOR column versions' hash,
     * computed by the caller, e.g. {@link DigestHash} in Java) where it is not null.
     */
    static String hash(String schema, String keyText, String hlc, String origin, String deleted, String derived,
                       String cv, String precomputed) {
        return "(coalesce(" + precomputed + ", " + versionHash(schema, keyText, hlc, origin, deleted, cv) + ") # "
                + mark(derived) + ")";
    }

    private static String versionHash(String schema, String keyText, String hlc, String origin, String deleted,
                                      String cv) {
        return "(" + schema + ".row_hash(" + keyText + ", " + hlc + ", " + origin + ", " + deleted + ") # " + schema
                + ".cv_hash(" + cv + "))";
    }

    private static String mark(String derived) {
        return "CASE WHEN " + derived + " THEN " + DigestHash.DERIVED_MARK + "::bigint ELSE 0::bigint END";
    }
}
