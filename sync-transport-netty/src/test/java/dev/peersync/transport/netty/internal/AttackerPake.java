package dev.peersync.transport.netty.internal;

import dev.peersync.core.NodeId;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroup;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroups;
import org.bouncycastle.crypto.agreement.jpake.JPAKEUtil;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * A fake peer's side of J-PAKE, built from {@link JPAKEUtil} so that the test keeps the exponents an attacker
 * keeps, and can afterwards run the attacker's best offline check of a guessed secret against what it received.
 * The attacker commits to one guess ({@code guessedSecret}) in its round 2, like any participant.
 */
final class AttackerPake {
    private static final JPAKEPrimeOrderGroup GROUP = JPAKEPrimeOrderGroups.NIST_3072;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String ownId;
    private final String peerId;
    private final String clusterId;
    private final BigInteger guess;
    private final BigInteger x3 = JPAKEUtil.generateX1(GROUP.getQ(), RANDOM);
    private final BigInteger x4 = JPAKEUtil.generateX2(GROUP.getQ(), RANDOM);
    private final BigInteger gx3 = JPAKEUtil.calculateGx(GROUP.getP(), GROUP.getG(), x3);
    private final BigInteger gx4 = JPAKEUtil.calculateGx(GROUP.getP(), GROUP.getG(), x4);
    private Bodies.PakeRound1 peerRound1;
    private Bodies.PakeRound2 peerRound2;

    AttackerPake(NodeId own, NodeId peer, String clusterId, byte[] guessedSecret) throws CryptoException {
        this.ownId = own.toString();
        this.peerId = peer.toString();
        this.clusterId = clusterId;
        this.guess = s(guessedSecret);
    }

    Bodies.PakeRound1 round1() {
        return new Bodies.PakeRound1(ownId, gx3.toByteArray(), gx4.toByteArray(),
                proof(GROUP.getG(), gx3, x3), proof(GROUP.getG(), gx4, x4));
    }

    Bodies.PakeRound2 round2(Bodies.PakeRound1 peer) {
        peerRound1 = peer;
        BigInteger generator = JPAKEUtil.calculateGA(GROUP.getP(), gx3, n(peer.gx1()), n(peer.gx2()));
        BigInteger x4s = JPAKEUtil.calculateX2s(GROUP.getQ(), x4, guess);
        BigInteger a = JPAKEUtil.calculateA(GROUP.getP(), GROUP.getQ(), generator, x4s);
        return new Bodies.PakeRound2(ownId, a.toByteArray(), proof(generator, a, x4s));
    }

    /** Our confirmation under the key our guess gives; it verifies at the peer only if the guess is right. */
    Bodies.PakeConfirm confirmation(Bodies.PakeRound2 peer) {
        peerRound2 = peer;
        BigInteger tag = JPAKEUtil.calculateMacTag(ownId, peerId, gx3, gx4, n(peerRound1.gx1()),
                n(peerRound1.gx2()), key(guess), digest());
        return new Bodies.PakeConfirm(ownId, tag.toByteArray());
    }

    /**
     * The attacker's best check of a candidate secret, offline, after the connection: the key the candidate gives
     * and the peer's confirmation tag under that key; true when the peer sent a confirmation equal to it. Rounds 1
     * and 2 alone offer nothing to compare against (their values are random group elements with zero-knowledge
     * proofs); only a confirmation would.
     */
    boolean candidateMatches(byte[] candidateSecret, Iterable<Frame> received) throws CryptoException {
        BigInteger key = key(s(candidateSecret));
        BigInteger expected = JPAKEUtil.calculateMacTag(peerId, ownId, n(peerRound1.gx1()), n(peerRound1.gx2()),
                gx3, gx4, key, digest());
        for (Frame frame : received) {
            if (frame.type() == MessageType.PAKE_CONFIRM
                    && n(frame.body(Bodies.PakeConfirm.class).macTag()).equals(expected)) {
                return true;
            }
        }
        return false;
    }

    private BigInteger key(BigInteger s) {
        return JPAKEUtil.calculateKeyingMaterial(GROUP.getP(), GROUP.getQ(), n(peerRound1.gx2()), x4, s,
                n(peerRound2.a()));
    }

    private BigInteger s(byte[] secret) throws CryptoException {
        return JPAKEUtil.calculateS(GROUP.getQ(), HandshakeAuth.password(secret, clusterId));
    }

    private byte[][] proof(BigInteger generator, BigInteger gx, BigInteger x) {
        BigInteger[] proof = JPAKEUtil.calculateZeroKnowledgeProof(GROUP.getP(), GROUP.getQ(), generator, gx, x,
                ownId, digest(), RANDOM);
        return new byte[][] {proof[0].toByteArray(), proof[1].toByteArray()};
    }

    private static Digest digest() {
        return new SHA256Digest();
    }

    private static BigInteger n(byte[] bytes) {
        return new BigInteger(bytes);
    }
}
