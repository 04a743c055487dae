package dev.peersync.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peersync.core.NodeId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Node B of the big-transaction figure (8), run in its own JVM (started by {@link FollowerProcess} with a small
 * heap) so that its heap and resident memory are its own. It installs the store on its database, starts a node
 * with the given peer and follows it. Lines on standard output:
 * <ul>
 *   <li>{@code STARTED nodeId=<id> port=<p2p port>} once its engine runs;</li>
 *   <li>{@code SYNCED} once it holds the sentinel row and has stored a cursor on the peer's feed: it has completed
 *       a round, so what the peer writes next reaches it through the feed, not a snapshot join;</li>
 *   <li>{@code MEMORY heapMb=<peak heap used> rssMb=<VmHWM>} after {@code STOP} on standard input (or its end),
 *       then it exits.</li>
 * </ul>
 *
 * <p>Arguments: jdbcUrl peerNodeId peerPort sentinelId pullBatchRows timeoutSeconds
 */
public final class FollowerNode {
    static final String STARTED = "STARTED";
    static final String SYNCED = "SYNCED";
    static final String MEMORY = "MEMORY";
    static final String STOP = "STOP";

    private FollowerNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("expected 6 arguments (jdbcUrl peerNodeId peerPort sentinelId"
                    + " pullBatchRows timeoutSeconds), got: " + List.of(args));
        }
        String jdbcUrl = args[0];
        NodeId peer = new NodeId(UUID.fromString(args[1]));
        int peerPort = Integer.parseInt(args[2]);
        UUID sentinel = UUID.fromString(args[3]);
        int pullBatchRows = Integer.parseInt(args[4]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[5]));

        MemoryPeaks memory = MemoryPeaks.start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(6);
        config.setPoolName("follower");
        try (HikariDataSource pool = new HikariDataSource(config);
             SyncNode node = SyncNode.open("follower", pool, pool, pullBatchRows);
             Connection c = pool.getConnection()) {
            node.start(List.of());
            node.addPeer(peer, peerPort);
            System.out.printf(Locale.ROOT, "%s nodeId=%s port=%d%n", STARTED, node.nodeId().value(), node.port());
            System.out.flush();
            awaitSynced(node, peer, c, sentinel, timeout);
            System.out.println(SYNCED);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals(STOP); line = in.readLine()) {
                // runs until told to stop, or until the benchmark's end of the pipe closes
            }
            System.out.printf(Locale.ROOT, "%s heapMb=%.1f rssMb=%.1f%n", MEMORY, memory.stop() / 1048576.0,
                    MemoryPeaks.vmHwmKb() / 1024.0);
            System.out.flush();
        }
    }

    /** Until the sentinel row is here and a cursor on the peer's feed is stored (polled every 10 ms). */
    private static void awaitSynced(SyncNode node, NodeId peer, Connection c, UUID sentinel, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + ReviewRows.TABLE + " WHERE id = ?")) {
            ps.setObject(1, sentinel);
            while (node.store().cursor(peer).isEmpty() || !exists(ps)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no round completed with " + peer + " within " + timeout);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    private static boolean exists(PreparedStatement ps) throws java.sql.SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }
}
