package dev.peersync.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Two databases on two servers, A written by the workload and B replicated from A: by our sync or by
 * PostgreSQL's native logical replication. Workloads 1-3 run unchanged on either.
 */
interface ReplicaPair extends AutoCloseable {

    /** "ours" or "native": the metric key prefix. */
    String system();

    /** The two databases. */
    DatabasePair databases();

    /** A new connection to A's database (the caller closes it). */
    default Connection connectA() throws SQLException {
        return databases().connectA();
    }

    /** A new connection to B's database (the caller closes it). */
    default Connection connectB() throws SQLException {
        return databases().connectB();
    }

    /** Stops replication into B (B's node is down; B's subscription is disabled) and waits until it has stopped. */
    void stopReplica() throws Exception;

    /** Starts replication into B again; returns once started (catching up happens after). */
    void startReplica() throws Exception;

    /**
     * Checks, after B was seen equal to A, whatever the system itself says about convergence (our table digests);
     * throws when it disagrees. Not timed.
     */
    default void verifyConverged() {
    }

    /** What the replication machinery reported since the pair was made (for the notes), one line; may be empty. */
    default String observations() {
        return "";
    }

    @Override
    void close() throws Exception;
}
