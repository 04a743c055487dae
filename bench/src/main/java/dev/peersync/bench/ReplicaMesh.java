package dev.peersync.bench;

/**
 * Three databases on three servers, A written by the workload, B and C replicated from it: by our sync (a full
 * mesh, every node a peer of the other two) or by PostgreSQL's native logical replication (B and C subscribed to
 * A). The mesh figure (7) runs unchanged on either.
 */
interface ReplicaMesh extends AutoCloseable {

    /** "ours" or "native": the metric key prefix. */
    String system();

    /** The three databases. */
    MeshDatabases databases();

    /**
     * Checks, after B and C were seen equal to A, whatever the system itself says about convergence (our table
     * digests); throws when it disagrees. Not timed.
     */
    default void verifyConverged() {
    }

    @Override
    void close() throws Exception;
}
