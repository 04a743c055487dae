package dev.peersync.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.PullRequest;
import dev.peersync.transport.netty.internal.FuzzInputs;
import dev.peersync.transport.netty.internal.RawPeer;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import dev.peersync.transport.netty.support.TransportFixture;
import dev.peersync.transport.netty.support.TransportFixture.Node;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live server fed random and mutated frames over real sockets for a fixed time budget and seed; afterwards
 * it still serves a well-behaved peer.
 */
class ProtocolFuzzIT {
    private static final long SEED = 424242L;
    private static final Duration BUDGET = Duration.ofSeconds(5);

    @RegisterExtension
    final TransportFixture fixture = new TransportFixture();

    @Test
    void live_server_survives_random_and_mutated_frames_and_keeps_serving() throws Exception {
        Node a = fixture.start(TransportFixture.settings().frameTimeout(Duration.ofMillis(300))
                        .handshakeTimeout(Duration.ofMillis(500)).maxRowsPerBatch(10).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(25, 4)));
        Random random = new Random(SEED);
        List<byte[]> seeds = FuzzInputs.seeds();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int connections = 0;
        while (System.nanoTime() < deadline) {
            try (RawPeer raw = new RawPeer(new InetSocketAddress(a.address().port()))) {
                raw.setReadTimeout(50);
                if (random.nextBoolean()) {
                    raw.helloOpen(Nodes.hello("fuzzer"));
                }
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    raw.send(FuzzInputs.input(random, seeds));
                }
                raw.drain();
            } catch (IOException e) {
                // the server closed on us mid-write: that is the expected answer to garbage
            }
            connections++;
        }

        Node b = fixture.start(TransportFixture.settings().build(), "b");
        var batch = b.transport().client(a.address()).pull(new PullRequest(List.of("reviews"), "", 100))
                .get(10, TimeUnit.SECONDS);
        assertThat(batch.changes()).hasSize(10);
        assertThat(connections).isGreaterThan(20);
        long refused = a.transport().stats().snapshot().rejections().values().stream().mapToLong(Long::longValue).sum();
        assertThat(refused).isPositive();
    }
}
