package dev.peersync.core.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a store (sync-store-postgres's {@code PgSyncStore}) is installed and behaves.
 *
 * @param tables         synced tables, {@code name} or {@code schema.name} (unquoted identifiers)
 * @param schema         sync-core's own schema (metadata, clock, cursors, digests); default {@code peersync}
 * @param bucketCount    size of the digest bucket space; fixed at first install; default 1024
 * @param maxClockOffset incoming versions further ahead of our clock than this are parked; default 60 s
 * @param maxBatchRows   cap on rows per feed batch, whatever a peer asks for; default 5000
 * @param clockOffsetMillis added to this node's physical clock (tests and operators simulate skew); default 0
 * @param uniquePolicies what an apply does on a unique collision, per table and constraint; default none (park)
 * @param conflictRetention how long the conflict log keeps an entry; default 30 days
 * @param maxParkedPerPeerTable at most this many rows of one table from one peer wait parked; beyond it the oldest are
 *                       dropped and reported (a peer cannot fill the database with rows that never apply); default 10000
 */
public record StoreSettings(List<String> tables, String schema, int bucketCount, Duration maxClockOffset,
                            int maxBatchRows, long clockOffsetMillis, List<UniqueCollisionPolicy> uniquePolicies,
                            Duration conflictRetention, int maxParkedPerPeerTable) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

    public StoreSettings {
        Objects.requireNonNull(tables, "tables");
        tables = List.copyOf(tables);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("tables must name at least one table, got: []");
        }
        Objects.requireNonNull(schema, "schema");
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a lower-case unquoted identifier, got: " + schema);
        }
        if (bucketCount < 1 || bucketCount > 1 << 20) {
            throw new IllegalArgumentException("bucketCount must be in [1, 1048576], got: " + bucketCount);
        }
        Objects.requireNonNull(maxClockOffset, "maxClockOffset");
        if (maxClockOffset.isNegative() || maxClockOffset.isZero()) {
            throw new IllegalArgumentException("maxClockOffset must be positive, got: " + maxClockOffset);
        }
        if (maxBatchRows < 1) {
            throw new IllegalArgumentException("maxBatchRows must be positive, got: " + maxBatchRows);
        }
        Objects.requireNonNull(conflictRetention, "conflictRetention");
        if (conflictRetention.isNegative() || conflictRetention.isZero()) {
            throw new IllegalArgumentException("conflictRetention must be positive, got: " + conflictRetention);
        }
        if (maxParkedPerPeerTable < 1) {
            throw new IllegalArgumentException("maxParkedPerPeerTable must be positive, got: " + maxParkedPerPeerTable);
        }
        uniquePolicies = List.copyOf(Objects.requireNonNull(uniquePolicies, "uniquePolicies"));
        for (UniqueCollisionPolicy p : uniquePolicies) {
            if (!tables.contains(p.table())) {
                throw new IllegalArgumentException("a unique collision policy names a table that is not synced: "
                        + p.table() + " (synced: " + tables + ")");
            }
        }
    }

    /** Defaults for everything but the tables. */
    public static StoreSettings of(List<String> tables) {
        return new StoreSettings(tables, "peersync", 1024, Duration.ofSeconds(60), 5000, 0, List.of(), Duration.ofDays(30),
                10_000);
    }

    /** A builder starting from the defaults of {@link #of}. */
    public static Builder builder(List<String> tables) {
        return of(tables).toBuilder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Settings changed one at a time; {@link #build} checks them all. */
    public static final class Builder {
        private final List<String> tables;
        private String schema;
        private int bucketCount;
        private Duration maxClockOffset;
        private int maxBatchRows;
        private long clockOffsetMillis;
        private final List<UniqueCollisionPolicy> uniquePolicies;
        private Duration conflictRetention;
        private int maxParkedPerPeerTable;

        private Builder(StoreSettings from) {
            this.tables = from.tables;
            this.schema = from.schema;
            this.bucketCount = from.bucketCount;
            this.maxClockOffset = from.maxClockOffset;
            this.maxBatchRows = from.maxBatchRows;
            this.clockOffsetMillis = from.clockOffsetMillis;
            this.uniquePolicies = new java.util.ArrayList<>(from.uniquePolicies);
            this.conflictRetention = from.conflictRetention;
            this.maxParkedPerPeerTable = from.maxParkedPerPeerTable;
        }

        public Builder schema(String value) {
            this.schema = value;
            return this;
        }

        public Builder bucketCount(int value) {
            this.bucketCount = value;
            return this;
        }

        public Builder maxClockOffset(Duration value) {
            this.maxClockOffset = value;
            return this;
        }

        public Builder maxBatchRows(int value) {
            this.maxBatchRows = value;
            return this;
        }

        /** A node whose physical clock reads {@code millis} ahead (negative: behind); stored in the database. */
        public Builder clockOffsetMillis(long millis) {
            this.clockOffsetMillis = millis;
            return this;
        }

        /** Adds a policy for unique collisions on one table's constraint. */
        public Builder uniquePolicy(UniqueCollisionPolicy policy) {
            uniquePolicies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        public Builder conflictRetention(Duration value) {
            this.conflictRetention = value;
            return this;
        }

        public Builder maxParkedPerPeerTable(int value) {
            this.maxParkedPerPeerTable = value;
            return this;
        }

        public StoreSettings build() {
            return new StoreSettings(tables, schema, bucketCount, maxClockOffset, maxBatchRows, clockOffsetMillis,
                    uniquePolicies, conflictRetention, maxParkedPerPeerTable);
        }
    }
}
