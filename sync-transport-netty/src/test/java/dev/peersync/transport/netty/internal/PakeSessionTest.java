package dev.peersync.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import dev.peersync.transport.netty.RejectReason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Two J-PAKE sides agree on a key exactly when their secret, cluster id and protocol version agree. */
class PakeSessionTest {
    private static final byte[] SECRET = "pake-session-secret-8WzqLx2vNc5rTb7m".getBytes(StandardCharsets.UTF_8);
    private static final NodeId A = NodeId.random();
    private static final NodeId B = NodeId.random();

    private record Outcome(boolean aConfirmsB, boolean bConfirmsA, PakeSession a, PakeSession b) {
    }

    private static Outcome run(HandshakeAuth authA, HandshakeAuth authB) {
        PakeSession a = authA.newSession(A, B);
        PakeSession b = authB.newSession(B, A);
        Bodies.PakeRound1 a1 = a.round1();
        Bodies.PakeRound1 b1 = b.round1();
        Bodies.PakeRound2 a2 = a.round2(b1);
        Bodies.PakeRound2 b2 = b.round2(a1);
        Bodies.PakeConfirm a3 = a.keyConfirmation(b2);
        Bodies.PakeConfirm b3 = b.keyConfirmation(a2);
        return new Outcome(a.confirmed(b3), b.confirmed(a3), a, b);
    }

    @Test
    void same_secret_and_cluster_agree_on_one_key() {
        Outcome outcome = run(new HandshakeAuth(SECRET, "c"), new HandshakeAuth(SECRET, "c"));
        assertThat(outcome.aConfirmsB()).isTrue();
        assertThat(outcome.bConfirmsA()).isTrue();
        assertThat(outcome.a().keyingMaterial()).isEqualTo(outcome.b().keyingMaterial());
    }

    @Test
    void another_secret_or_another_cluster_fails_the_confirmation_both_ways() {
        Outcome wrongSecret = run(new HandshakeAuth(SECRET, "c"),
                new HandshakeAuth("another-secret-of-32-bytes-or-more!!".getBytes(StandardCharsets.UTF_8), "c"));
        assertThat(wrongSecret.aConfirmsB()).isFalse();
        assertThat(wrongSecret.bConfirmsA()).isFalse();
        Outcome otherCluster = run(new HandshakeAuth(SECRET, "c"), new HandshakeAuth(SECRET, "d"));
        assertThat(otherCluster.aConfirmsB()).isFalse();
        assertThat(otherCluster.bConfirmsA()).isFalse();
    }

    @Test
    void equal_participant_ids_are_refused() {
        assertThatThrownBy(() -> new HandshakeAuth(SECRET, "c").newSession(A, A))
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.SELF_CONNECTION));
    }

    @Test
    void a_round_out_of_order_is_a_protocol_error() {
        PakeSession a = new HandshakeAuth(SECRET, "c").newSession(A, B);
        PakeSession b = new HandshakeAuth(SECRET, "c").newSession(B, A);
        Bodies.PakeRound1 a1 = a.round1();
        b.round1();
        Bodies.PakeRound2 b2 = b.round2(a1);
        assertThatThrownBy(() -> a.keyConfirmation(b2))
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.PROTOCOL_ERROR));
    }
}
