package dev.peersync.core.internal.pg;

/**
 * Derived versions (see {@code RowVersion.derived}): live rows whose stored hash has {@code DigestHash.DERIVED_MARK}
 * flipped, because their data is a foreign key's SET NULL kept under the version the row was written with.
 */
final class Derived {
    private Derived() {
    }

    /** True when the metadata row {@code m} (of table {@code t}, sync-core schema {@code schema}, quoted) is derived. */
    static String sql(String schema, PgTable t, String m) {
        return "(NOT " + m + "._deleted AND " + m + "._hash <> " + schema + ".row_hash(" + t.pkText(m) + ", "
                + m + "._hlc, " + m + "._origin, false))";
    }
}
