package dev.peersync.bench;

import dev.peersync.core.NodeId;
import dev.peersync.core.engine.PeerSyncStatus;
import dev.peersync.core.store.OriginCounts;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Our sync in a full mesh of three: nodes A, B and C ({@link SyncNode}), each on a fresh database of its own
 * server, every node a manual peer of the other two, engine defaults.
 */
final class OursMesh implements ReplicaMesh {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    private final MeshDatabases dbs;
    private final SyncNode nodeA;
    private final SyncNode nodeB;
    private final SyncNode nodeC;

    private OursMesh(MeshDatabases dbs, SyncNode nodeA, SyncNode nodeB, SyncNode nodeC) {
        this.dbs = dbs;
        this.nodeA = nodeA;
        this.nodeB = nodeB;
        this.nodeC = nodeC;
    }

    /** Fresh databases on A, B and C with the table, the store installed on each, the three engines running. */
    static OursMesh create(PgServer a, PgServer b, PgServer c, int pullBatchRows) throws SQLException {
        MeshDatabases dbs = MeshDatabases.create(a, b, c, "mesh");
        SyncNode nodeA = SyncNode.open("a", a, dbs.dbA(), pullBatchRows);
        SyncNode nodeB = SyncNode.open("b", b, dbs.dbB(), pullBatchRows);
        SyncNode nodeC = SyncNode.open("c", c, dbs.dbC(), pullBatchRows);
        OursMesh mesh = new OursMesh(dbs, nodeA, nodeB, nodeC);
        try {
            nodeA.start(List.of());
            nodeB.start(List.of(nodeA));
            nodeC.start(List.of(nodeA, nodeB));
            nodeA.addPeer(nodeB.nodeId(), nodeB.port());
            nodeA.addPeer(nodeC.nodeId(), nodeC.port());
            nodeB.addPeer(nodeC.nodeId(), nodeC.port());
            mesh.awaitJoined();
        } catch (RuntimeException e) {
            try {
                mesh.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return mesh;
    }

    /**
     * Until every node holds a cursor on each of its two peers that says what it holds of that peer's writes: each
     * has completed a round with both (an empty node's first round is a snapshot join), and a pull from one peer
     * tells it which rows of the other's the node already holds. The write then meets a mesh in steady state.
     */
    private void awaitJoined() {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        List<SyncNode> nodes = List.of(nodeA, nodeB, nodeC);
        while (true) {
            String missing = "";
            for (SyncNode node : nodes) {
                Map<NodeId, String> held = node.store().heldCursors();
                for (SyncNode peer : nodes) {
                    if (peer != node && !held.containsKey(peer.nodeId())) {
                        missing += " " + node.name() + "->" + peer.name();
                    }
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the mesh did not complete its first rounds within " + JOIN_TIMEOUT
                        + "; no held cursor for:" + missing);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public String system() {
        return "ours";
    }

    @Override
    public MeshDatabases databases() {
        return dbs;
    }

    SyncNode nodeA() {
        return nodeA;
    }

    SyncNode nodeB() {
        return nodeB;
    }

    SyncNode nodeC() {
        return nodeC;
    }

    /**
     * Rows written by {@code origin} that {@code node} pulled, from every peer (from the origin itself and relayed),
     * as its engine counts them once each apply has committed.
     */
    static OriginCounts rowsOf(SyncNode node, NodeId origin) {
        return node.engine().status().peers().stream()
                .map(PeerSyncStatus::origins)
                .map(o -> o.getOrDefault(origin, OriginCounts.ZERO))
                .reduce(OriginCounts.ZERO, OriginCounts::plus);
    }

    /** B's and C's sync digests (over primary keys and versions) must equal A's once their data equals A's. */
    @Override
    public void verifyConverged() {
        String rootA = nodeA.store().digest(ReviewRows.TABLE).rootHash();
        for (SyncNode node : List.of(nodeB, nodeC)) {
            String root = node.store().digest(ReviewRows.TABLE).rootHash();
            if (!rootA.equals(root)) {
                throw new IllegalStateException(node.name() + "'s data equals A's but the table digests differ: A "
                        + rootA + ", " + node.name() + " " + root);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try (SyncNode ignoredC = nodeC; SyncNode ignoredB = nodeB; SyncNode ignoredA = nodeA) {
            // closes C, B, then A
        }
        dbs.drop();
    }
}
