package dev.peersync.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.testing.Await;
import dev.peersync.testing.LogCapture;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import dev.peersync.transport.netty.support.TransportFixture;
import dev.peersync.transport.netty.support.TransportFixture.Node;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fake peer that does not know the cluster secret, on real sockets: whatever our node sends it, dialling or
 * accepting, lets it check no guess of the secret offline. It runs the attacker's best check (the key a candidate
 * secret gives and the confirmation tag that key would make) with the right secret and a wrong one and gets the
 * same answer; a peer that knew the secret gets different answers, which shows the check works.
 */
class FakePeerIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] SECRET = "fake-peer-secret-Qm4vTz8rLx2nWb6k".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WRONG = "a-guess-of-the-secret-Jp3sHd7fKc9y".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    final TransportFixture fixture = new TransportFixture();

    private final NodeHello fake = Nodes.hello("fake");

    /** What a fake acceptor saw of one connection our node dialled. */
    private record Transcript(AttackerPake pake, List<Frame> received) {
        List<MessageType> types() {
            return received.stream().map(Frame::type).toList();
        }
    }

    /** Accepts one connection and plays an acceptor that guesses {@code guess}; returns what it received. */
    private CompletableFuture<Transcript> fakeAcceptor(ServerSocket server, NodeId dialler, byte[] guess) {
        return CompletableFuture.supplyAsync(() -> {
            try (RawPeer peer = new RawPeer(server.accept())) {
                List<Frame> received = new ArrayList<>();
                AttackerPake pake = new AttackerPake(fake.nodeId(), dialler, Nodes.CLUSTER, guess);
                next(peer, received, MessageType.HELLO);
                peer.send(Frame.oneWay(MessageType.HELLO,
                        new Bodies.Hello(WireFormat.VERSION, Bodies.Node.of(fake), HandshakeAuth.newNonce(), true, 0)));
                peer.send(Frame.oneWay(MessageType.PAKE_ROUND1, pake.round1()));
                Bodies.PakeRound1 round1 = next(peer, received, MessageType.PAKE_ROUND1).body(Bodies.PakeRound1.class);
                peer.send(Frame.oneWay(MessageType.PAKE_ROUND2, pake.round2(round1)));
                Bodies.PakeRound2 round2 = next(peer, received, MessageType.PAKE_ROUND2).body(Bodies.PakeRound2.class);
                peer.send(Frame.oneWay(MessageType.PAKE_CONFIRM, pake.confirmation(round2)));
                readUntilConfirmOrClose(peer, received);
                return new Transcript(pake, received);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Frame next(RawPeer peer, List<Frame> received, MessageType expected) throws IOException {
        Frame frame = peer.read();
        received.add(frame);
        assertThat(frame.type()).as("frame #" + received.size()).isEqualTo(expected);
        return frame;
    }

    private static void readUntilConfirmOrClose(RawPeer peer, List<Frame> received) throws IOException {
        try {
            while (received.isEmpty() || received.get(received.size() - 1).type() != MessageType.PAKE_CONFIRM) {
                received.add(peer.read());
            }
        } catch (EOFException | SocketException closed) {
            // our node closed the connection
        }
    }

    @Test
    void a_fake_acceptor_our_node_dials_gets_only_round_data_and_cannot_test_a_guess() throws Exception {
        Node b = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(), "b");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             LogCapture log = LogCapture.start()) {
            CompletableFuture<Transcript> attack = fakeAcceptor(server, b.service().hello().nodeId(), WRONG);

            assertThatThrownBy(() -> b.transport().client(new PeerAddress("127.0.0.1", server.getLocalPort()))
                    .hello().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            Transcript transcript = attack.get(10, TimeUnit.SECONDS);

            assertThat(transcript.types()).as("the dialler never confirms to a peer that has not confirmed")
                    .containsExactly(MessageType.HELLO, MessageType.PAKE_ROUND1, MessageType.PAKE_ROUND2,
                            MessageType.REJECT);
            assertThat(transcript.received().get(3).body(Bodies.Reject.class).reason())
                    .isEqualTo(RejectReason.BAD_PROOF);
            assertThat(transcript.pake().candidateMatches(SECRET, transcript.received()))
                    .as("the right secret checks no better than a wrong one")
                    .isEqualTo(transcript.pake().candidateMatches(WRONG, transcript.received()))
                    .isFalse();
            Await.until("b counting the failed key confirmation", WAIT,
                    () -> b.transport().stats().rejections(RejectReason.BAD_PROOF), n -> n == 1);
            log.awaitLine("BAD_PROOF", WAIT);
            assertThat(b.service().calls()).isZero();
        }
    }

    @Test
    void a_peer_that_knows_the_secret_gets_the_dialler_confirmation_which_tells_the_secret_apart() throws Exception {
        Node b = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(), "b");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Transcript> peer = fakeAcceptor(server, b.service().hello().nodeId(), SECRET);

            b.transport().client(new PeerAddress("127.0.0.1", server.getLocalPort())).hello();
            Transcript transcript = peer.get(10, TimeUnit.SECONDS);

            assertThat(transcript.types()).containsExactly(MessageType.HELLO, MessageType.PAKE_ROUND1,
                    MessageType.PAKE_ROUND2, MessageType.PAKE_CONFIRM);
            assertThat(transcript.pake().candidateMatches(SECRET, transcript.received())).isTrue();
            assertThat(transcript.pake().candidateMatches(WRONG, transcript.received())).isFalse();
        }
    }

    @Test
    void a_fake_dialler_gets_one_confirmation_that_tests_no_guess_and_is_refused() throws Exception {
        Node a = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(5, 1)));
        List<Frame> received = new ArrayList<>();
        try (LogCapture log = LogCapture.start(); RawPeer peer = new RawPeer(new java.net.InetSocketAddress(
                "127.0.0.1", a.address().port()))) {
            AttackerPake pake = new AttackerPake(fake.nodeId(), a.service().hello().nodeId(), Nodes.CLUSTER, WRONG);
            next(peer, received, MessageType.HELLO);
            peer.send(Frame.oneWay(MessageType.HELLO,
                    new Bodies.Hello(WireFormat.VERSION, Bodies.Node.of(fake), HandshakeAuth.newNonce(), true, 0)));
            Bodies.PakeRound1 round1 = next(peer, received, MessageType.PAKE_ROUND1).body(Bodies.PakeRound1.class);
            peer.send(Frame.oneWay(MessageType.PAKE_ROUND1, pake.round1()));
            Bodies.PakeRound2 round2 = next(peer, received, MessageType.PAKE_ROUND2).body(Bodies.PakeRound2.class);
            peer.send(Frame.oneWay(MessageType.PAKE_ROUND2, pake.round2(round1)));
            next(peer, received, MessageType.PAKE_CONFIRM);
            Bodies.PakeConfirm guess = pake.confirmation(round2);

            assertThat(pake.candidateMatches(SECRET, received))
                    .as("the acceptor's confirmation answers only the guess made in round 2, not the right secret")
                    .isEqualTo(pake.candidateMatches(WRONG, received))
                    .isFalse();
            peer.send(Frame.oneWay(MessageType.PAKE_CONFIRM, guess));
            assertThat(peer.readUntilClosed().reason()).isEqualTo(RejectReason.BAD_PROOF);
            log.awaitLine("failed the key confirmation", WAIT);
        }
        assertThat(a.transport().stats().rejections(RejectReason.BAD_PROOF)).isEqualTo(1);
        assertThat(a.transport().stats().handshakesCompleted()).isZero();
        assertThat(a.service().calls()).isZero();
    }
}
