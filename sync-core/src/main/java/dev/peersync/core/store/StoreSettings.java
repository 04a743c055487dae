package dev.peersync.core.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link PgSyncStore} is installed and behaves.
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

    public StoreSettings withSchema(String newSchema) {
        return new StoreSettings(tables, newSchema, bucketCount, maxClockOffset, maxBatchRows, clockOffsetMillis, uniquePolicies, conflictRetention,
                maxParkedPerPeerTable);
    }

    public StoreSettings withBucketCount(int newBucketCount) {
        return new StoreSettings(tables, schema, newBucketCount, maxClockOffset, maxBatchRows, clockOffsetMillis, uniquePolicies, conflictRetention,
                maxParkedPerPeerTable);
    }

    public StoreSettings withMaxClockOffset(Duration newMaxClockOffset) {
        return new StoreSettings(tables, schema, bucketCount, newMaxClockOffset, maxBatchRows, clockOffsetMillis, uniquePolicies, conflictRetention,
                maxParkedPerPeerTable);
    }

    public StoreSettings withMaxBatchRows(int newMaxBatchRows) {
        return new StoreSettings(tables, schema, bucketCount, maxClockOffset, newMaxBatchRows, clockOffsetMillis, uniquePolicies, conflictRetention,
                maxParkedPerPeerTable);
    }

    /** Adds a policy for unique collisions on one table's constraint. */
    public StoreSettings withUniquePolicy(UniqueCollisionPolicy policy) {
        List<UniqueCollisionPolicy> more = new java.util.ArrayList<>(uniquePolicies);
        more.add(Objects.requireNonNull(policy, "policy"));
        return new StoreSettings(tables, schema, bucketCount, maxClockOffset, maxBatchRows, clockOffsetMillis, more, conflictRetention,
                maxParkedPerPeerTable);
    }

    public StoreSettings withConflictRetention(Duration retention) {
        return new StoreSettings(tables, schema, bucketCount, maxClockOffset, maxBatchRows, clockOffsetMillis,
                uniquePolicies, retention, maxParkedPerPeerTable);
    }

    public StoreSettings withMaxParkedPerPeerTable(int max) {
        return new StoreSettings(tables, schema, bucketCount, maxClockOffset, maxBatchRows, clockOffsetMillis,
                uniquePolicies, conflictRetention, max);
    }

    /** A node whose physical clock reads {@code millis} ahead (negative: behind); stored in the database. */
    public StoreSettings withClockOffsetMillis(long millis) {
        return new StoreSettings(tables, schema, bucketCount, maxClockOffset, maxBatchRows, millis, uniquePolicies, conflictRetention,
                maxParkedPerPeerTable);
    }
}
