package dev.peersync.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.NodeHello;
import dev.peersync.testing.LogCapture;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
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
    private static final byte[] SECRET = "fuzz-secret-Lw3pQz8mTr5vXk2nBc7h".getBytes(StandardCharsets.UTF_8);

    private final NodeHello server = Nodes.hello("server");
    private final NodeHello fuzzer = Nodes.hello("fuzzer");

    @Test
    void random_and_mutated_frames_never_escape_the_pipeline() {
        byte[] hello = FrameBytes.encode(Frame.oneWay(MessageType.HELLO,
                new Bodies.Hello(1, Bodies.Node.of(fuzzer), HandshakeAuth.newNonce(), false, 0)));
        fuzz(null, hello);
    }

    /**
     * The same against a server with a secret, after a valid HELLO and often a valid J-PAKE round 1, so that
     * mutated PAKE values reach the key exchange: each is refused for a counted reason, none is an unexpected error.
     */
    @Test
    void mutated_key_exchange_frames_are_refused_for_a_reason() {
        byte[] hello = FrameBytes.encode(Frame.oneWay(MessageType.HELLO,
                new Bodies.Hello(WireFormat.VERSION, Bodies.Node.of(fuzzer), HandshakeAuth.newNonce(), true, 0)));
        try (LogCapture log = LogCapture.start()) {
            TransportStats stats = fuzz(new HandshakeAuth(SECRET, Nodes.CLUSTER), hello);
            assertThat(stats.rejections(RejectReason.BAD_PROOF)).as("mutated PAKE values reached the checks")
                    .isPositive();
            assertThat(log.text()).doesNotContain("unexpected error");
        }
    }

    /** The fuzzer's messages of a real exchange with the server's id (not the server's run, so none verifies). */
    private record Exchange(Bodies.PakeRound1 round1, Bodies.PakeRound2 round2, Bodies.PakeConfirm confirm) {
        static Exchange between(HandshakeAuth auth, NodeHello own, NodeHello peer) {
            PakeSession mine = auth.newSession(own.nodeId(), peer.nodeId());
            PakeSession other = auth.newSession(peer.nodeId(), own.nodeId());
            Bodies.PakeRound1 round1 = mine.round1();
            Bodies.PakeRound2 round2 = mine.round2(other.round1());
            return new Exchange(round1, round2, mine.keyConfirmation(other.round2(round1)));
        }

        List<byte[]> frames() {
            return List.of(FrameBytes.encode(Frame.oneWay(MessageType.PAKE_ROUND1, round1)),
                    FrameBytes.encode(Frame.oneWay(MessageType.PAKE_ROUND2, round2)),
                    FrameBytes.encode(Frame.oneWay(MessageType.PAKE_CONFIRM, confirm)));
        }

        /** Well-formed JSON whose numbers are wrong: one value of round 2 or the confirmation made random. */
        byte[] withRandomValue(Random random) {
            byte[] value = new byte[random.nextInt(400)];
            random.nextBytes(value);
            Object body = switch (random.nextInt(3)) {
                case 0 -> new Bodies.PakeRound2(round2.participant(), value, round2.proofX2s());
                case 1 -> new Bodies.PakeRound2(round2.participant(), round2.a(),
                        new byte[][] {round2.proofX2s()[0], value});
                default -> new Bodies.PakeConfirm(confirm.participant(), value);
            };
            MessageType type = body instanceof Bodies.PakeConfirm ? MessageType.PAKE_CONFIRM : MessageType.PAKE_ROUND2;
            return FrameBytes.encode(Frame.oneWay(type, body));
        }
    }

    /**
     * With {@code auth}: a HELLO always, a valid round 1 mostly, and half the inputs from the key exchange (mutated
     * frames, or well-formed ones with a random value).
     */
    private TransportStats fuzz(HandshakeAuth auth, byte[] hello) {
        Random random = new Random(SEED);
        List<byte[]> seeds = FuzzInputs.seeds();
        Exchange exchange = auth == null ? null : Exchange.between(auth, fuzzer, server);
        TransportStats stats = new TransportStats();
        InMemorySyncService service = new InMemorySyncService(server).withRows(ReviewRows.generate(20, 1));
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int connections = 0;
        while (System.nanoTime() < deadline) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(64 * 1024, Duration.ofSeconds(1)),
                    new MessageCodec(64 * 1024, false, 1024, stats),
                    new HandshakeHandler(server, true, 0, auth, Duration.ofSeconds(1), stats),
                    new ResponseCorrelator(Duration.ofSeconds(1), stats),
                    new RequestDispatcher(service, Runnable::run, 10, stats),
                    new ConnectionGuard(stats, true));
            if (auth != null || random.nextBoolean()) {
                channel.writeInbound(Unpooled.wrappedBuffer(hello));
                if (auth != null && random.nextInt(4) > 0) {
                    channel.writeInbound(Unpooled.wrappedBuffer(exchange.frames().get(0)));
                }
            }
            for (int i = 0; i < 1 + random.nextInt(4) && channel.isOpen(); i++) {
                channel.writeInbound(Unpooled.wrappedBuffer(auth == null || random.nextBoolean()
                        ? FuzzInputs.input(random, seeds)
                        : random.nextBoolean() ? FuzzInputs.input(random, exchange.frames())
                        : exchange.withRandomValue(random)));
                channel.runPendingTasks();
            }
            channel.checkException();
            channel.finishAndReleaseAll();
            connections++;
        }
        long refused = stats.snapshot().rejections().values().stream().mapToLong(Long::longValue).sum();
        // J-PAKE costs a few milliseconds of CPU per connection: fewer connections fit the budget with a secret.
        assertThat(connections).isGreaterThan(auth == null ? 100 : 20);
        assertThat(refused).as("connections refused for a counted reason").isPositive();
        return stats;
    }
}
