package dev.peersync.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.transport.netty.TransportStats;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames into the whole server pipeline on an EmbeddedChannel, for a fixed time budget and
 * seed: no exception may escape the pipeline (EmbeddedChannel rethrows them), every connection ends either
 * open or closed with a counted reason.
 */
class ProtocolFuzzTest {
    private static final long SEED = 20261124L;
    private static final Duration BUDGET = Duration.ofSeconds(2);

    @Test
    void random_and_mutated_frames_never_escape_the_pipeline() {
        Random random = new Random(SEED);
        List<byte[]> seeds = FuzzInputs.seeds();
        TransportStats stats = new TransportStats();
        InMemorySyncService service = new InMemorySyncService(Nodes.hello("server"))
                .withRows(ReviewRows.generate(20, 1));
        byte[] hello = FrameBytes.encode(Frame.oneWay(MessageType.HELLO,
                new Bodies.Hello(1, Nodes.hello("fuzzer"), HandshakeAuth.newNonce(), false, 0)));
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int connections = 0;
        while (System.nanoTime() < deadline) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(64 * 1024, Duration.ofSeconds(1)),
                    new MessageCodec(64 * 1024, false, 1024, stats),
                    new HandshakeHandler(Nodes.hello("server"), true, 0, null, Duration.ofSeconds(1), stats),
                    new ResponseCorrelator(Duration.ofSeconds(1), stats),
                    new RequestDispatcher(service, Runnable::run, 10, stats),
                    new ConnectionGuard(stats, true));
            if (random.nextBoolean()) {
                channel.writeInbound(Unpooled.wrappedBuffer(hello));
            }
            for (int i = 0; i < 1 + random.nextInt(4) && channel.isOpen(); i++) {
                channel.writeInbound(Unpooled.wrappedBuffer(FuzzInputs.input(random, seeds)));
                channel.runPendingTasks();
            }
            channel.checkException();
            channel.finishAndReleaseAll();
            connections++;
        }
        long refused = stats.snapshot().rejections().values().stream().mapToLong(Long::longValue).sum();
        assertThat(connections).isGreaterThan(100);
        assertThat(refused).as("connections refused for a counted reason").isPositive();
    }
}
