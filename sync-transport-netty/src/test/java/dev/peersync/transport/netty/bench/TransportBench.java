package dev.peersync.transport.netty.bench;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.transport.netty.NettyPeerTransport;
import dev.peersync.transport.netty.NettyTransportSettings;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import dev.peersync.transport.netty.internal.WireJson;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the transport for review-shaped rows (~500 bytes of JSON each): a client pulls a whole feed
 * from a server over loopback, batch after batch (the way the sync engine pulls: next request after the
 * previous answer), with and without compression. Prints rows/s and bytes/row on the wire, and what the
 * wire-limited rate would be on 100 Mbit/s and 1 Gbit/s LANs. Not a test: run it by hand (docs/protocol.md).
 *
 * <p>Arguments: rows (default 200000), batch size (default 1000), rounds (default 3).
 */
public final class TransportBench {
    private TransportBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<RowChange> feed = ReviewRows.generate(rows, 11);
        double jsonBytes = feed.stream().mapToLong(r -> r.data().getBytes(StandardCharsets.UTF_8).length).average().orElse(0);
        double wireJson = WireJson.write(feed.get(0)).length;
        System.out.printf(Locale.ROOT, "rows=%d batch=%d rounds=%d, row data %.0f bytes of JSON on average "
                + "(one RowChange as wire JSON: %.0f bytes)%n", rows, batch, rounds, jsonBytes, wireJson);
        for (boolean compression : new boolean[] {false, true}) {
            run(feed, batch, compression, 1); // warm-up: JIT, connection, buffers
            for (int round = 1; round <= rounds; round++) {
                run(feed, batch, compression, round);
            }
        }
    }

    private static void run(List<RowChange> feed, int batch, boolean compression, int round) throws Exception {
        NettyTransportSettings.Builder settings = NettyTransportSettings.builder(Nodes.CLUSTER).bindHost("127.0.0.1")
                .port(0).compression(compression).maxRowsPerBatch(batch);
        InMemorySyncService serverService = new InMemorySyncService(Nodes.hello("server")).withRows(feed);
        try (NettyPeerTransport server = new NettyPeerTransport(settings.build());
             NettyPeerTransport client = new NettyPeerTransport(settings.build())) {
            InetSocketAddress bound = server.start(serverService);
            client.start(new InMemorySyncService(Nodes.hello("client")));
            PeerClient peer = client.client(new PeerAddress("127.0.0.1", bound.getPort()));
            peer.hello().get(10, TimeUnit.SECONDS);
            long bytesBefore = server.stats().bytesOut();
            long start = System.nanoTime();
            long received = 0;
            String cursor = "";
            ChangeBatch answer;
            do {
                answer = peer.pull(new PullRequest(List.of("reviews"), cursor, batch)).get(30, TimeUnit.SECONDS);
                received += answer.changes().size();
                cursor = answer.nextCursor();
            } while (answer.hasMore());
            double seconds = (System.nanoTime() - start) / 1e9;
            double bytesPerRow = (double) (server.stats().bytesOut() - bytesBefore) / received;
            double rowsPerSecond = received / seconds;
            System.out.printf(Locale.ROOT, "compression=%-5s round %d: %,9.0f rows/s  %6.1f bytes/row  %6.1f MB/s on the "
                            + "wire | wire-limited: 100 Mbit/s %,9.0f rows/s, 1 Gbit/s %,9.0f rows/s%n",
                    compression, round, rowsPerSecond, bytesPerRow, rowsPerSecond * bytesPerRow / 1e6,
                    Math.min(rowsPerSecond, 12.5e6 / bytesPerRow), Math.min(rowsPerSecond, 125e6 / bytesPerRow));
        }
    }
}
