package dev.peersync.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peersync.core.NodeId;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The joining node of the bootstrap figure, run in its own JVM (started by {@link BootstrapWorkload} with a small
 * heap) so that its heap and resident memory are its own. It installs the store on its empty database, starts a
 * node with the given peer, waits until its table equals the expected state, and prints one line:
 * {@code BOOTSTRAP seconds=<s> heapMb=<peak heap used> rssMb=<VmHWM>}.
 *
 * <p>Arguments: jdbcUrl peerNodeId peerPort sentinelId expectedRows expectedHash pullBatchRows timeoutSeconds
 */
public final class BootstrapNode {
    static final String RESULT = "BOOTSTRAP";

    private BootstrapNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            throw new IllegalArgumentException("expected 8 arguments (jdbcUrl peerNodeId peerPort sentinelIds expectedRows"
                    + " expectedHash pullBatchRows timeoutSeconds), got: " + List.of(args));
        }
        String jdbcUrl = args[0];
        NodeId peer = new NodeId(UUID.fromString(args[1]));
        int peerPort = Integer.parseInt(args[2]);
        List<UUID> sentinels = java.util.Arrays.stream(args[3].split(",")).map(UUID::fromString).toList();
        TableState expected = new TableState(Long.parseLong(args[4]), Long.parseLong(args[5]));
        int pullBatchRows = Integer.parseInt(args[6]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[7]));

        MemoryPeaks heap = MemoryPeaks.start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(6);
        config.setPoolName("joiner");
        long start = System.nanoTime();
        try (HikariDataSource pool = new HikariDataSource(config);
             SyncNode node = SyncNode.open("joiner", pool, pool, pullBatchRows);
             Connection c = pool.getConnection()) {
            node.start(List.of());
            node.addPeer(peer, peerPort);
            long seen = TableState.awaitEqual(c, sentinels, () -> expected, timeout, 5_000);
            System.out.printf(Locale.ROOT, "%s seconds=%.3f heapMb=%.1f rssMb=%.1f%n", RESULT, (seen - start) / 1e9,
                    heap.stop() / 1048576.0, MemoryPeaks.vmHwmKb() / 1024.0);
            System.out.flush();
        }
    }
}
