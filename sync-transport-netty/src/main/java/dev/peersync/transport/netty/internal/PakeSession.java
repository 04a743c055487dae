package dev.peersync.transport.netty.internal;

import dev.peersync.core.NodeId;
import dev.peersync.transport.netty.RejectReason;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroup;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroups;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound1Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound2Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound3Payload;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * One side of the J-PAKE exchange of one connection (Bouncy Castle's {@link JPAKEParticipant}, 3072-bit NIST
 * group, SHA-256), translated to and from the wire bodies. Rounds 1 and 2 are public values with zero-knowledge
 * proofs: whatever a peer records of them, it cannot test a guess of the password offline. Round 3 is the key
 * confirmation; each side's tag verifies only for the one password the peer used in its round 2, so whoever
 * receives a tag learns at most whether that single (online) guess was right. Any bad or out-of-order value is a
 * {@link ProtocolViolationException}. Holds per-connection state: one instance per handshake.
 */
final class PakeSession {
    private static final JPAKEPrimeOrderGroup GROUP = JPAKEPrimeOrderGroups.NIST_3072;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JPAKEParticipant participant;
    private final String ownId;
    private final String peerId;
    private BigInteger keyingMaterial;
    private JPAKERound3Payload confirmation;

    /** @param password the cluster secret's derived password ({@link HandshakeAuth}); ids must differ */
    PakeSession(char[] password, NodeId own, NodeId peer) {
        this.ownId = own.toString();
        this.peerId = peer.toString();
        if (ownId.equals(peerId)) {
            // J-PAKE needs distinct participant ids; the handshake refuses a self-connection before this.
            throw new ProtocolViolationException(RejectReason.SELF_CONNECTION, "peer has this node's id");
        }
        this.participant = new JPAKEParticipant(ownId, password, GROUP, new SHA256Digest(), RANDOM);
    }

    Bodies.PakeRound1 round1() {
        JPAKERound1Payload p = participant.createRound1PayloadToSend();
        return new Bodies.PakeRound1(p.getParticipantId(), bytes(p.getGx1()), bytes(p.getGx2()),
                bytes(p.getKnowledgeProofForX1()), bytes(p.getKnowledgeProofForX2()));
    }

    /** Checks the peer's round 1 and returns this side's round 2. */
    Bodies.PakeRound2 round2(Bodies.PakeRound1 peer) {
        expectState(JPAKEParticipant.STATE_ROUND_1_CREATED, "PAKE_ROUND1");
        checkSender(peer.participant());
        validate(() -> participant.validateRound1PayloadReceived(new JPAKERound1Payload(peerId, number(peer.gx1()),
                number(peer.gx2()), proof(peer.proofX1()), proof(peer.proofX2()))), "round 1");
        JPAKERound2Payload p = participant.createRound2PayloadToSend();
        return new Bodies.PakeRound2(p.getParticipantId(), bytes(p.getA()), bytes(p.getKnowledgeProofForX2s()));
    }

    /** Checks the peer's round 2 and computes the shared key; returns this side's key confirmation. */
    Bodies.PakeConfirm keyConfirmation(Bodies.PakeRound2 peer) {
        expectState(JPAKEParticipant.STATE_ROUND_2_CREATED, "PAKE_ROUND2");
        checkSender(peer.participant());
        validate(() -> participant.validateRound2PayloadReceived(new JPAKERound2Payload(peerId, number(peer.a()),
                proof(peer.proofX2s()))), "round 2");
        keyingMaterial = participant.calculateKeyingMaterial();
        // Created now because Bouncy Castle refuses to create it after validating the peer's; sent when the
        // handshake's order says so.
        confirmation = participant.createRound3PayloadToSend(keyingMaterial);
        return new Bodies.PakeConfirm(confirmation.getParticipantId(), bytes(confirmation.getMacTag()));
    }

    /** True when the peer's key confirmation proves it derived the same key, i.e. used the same password. */
    boolean confirmed(Bodies.PakeConfirm peer) {
        expectState(JPAKEParticipant.STATE_ROUND_3_CREATED, "PAKE_CONFIRM");
        checkSender(peer.participant());
        try {
            participant.validateRound3PayloadReceived(new JPAKERound3Payload(peerId, number(peer.macTag())),
                    keyingMaterial);
            return true;
        } catch (CryptoException e) {
            return false;
        }
    }

    /** The shared secret of this exchange; only after {@link #confirmed} returned true. */
    BigInteger keyingMaterial() {
        if (participant.getState() != JPAKEParticipant.STATE_ROUND_3_VALIDATED) {
            throw new IllegalStateException("key not confirmed");
        }
        return keyingMaterial;
    }

    private void expectState(int state, String message) {
        if (participant.getState() != state) {
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, message + " not expected now");
        }
    }

    private void checkSender(String participantId) {
        if (!peerId.equals(participantId)) {
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, "PAKE message of participant '"
                    + participantId + "', expected the peer's node id " + peerId);
        }
    }

    private interface Check {
        void run() throws CryptoException;
    }

    private void validate(Check check, String round) {
        try {
            check.run();
        } catch (CryptoException e) {
            throw new ProtocolViolationException(RejectReason.BAD_PROOF, "peer " + peerId + " sent an invalid PAKE "
                    + round + ": " + e.getMessage());
        }
    }

    /** Two's complement, as {@link BigInteger#toByteArray}: the key confirmation's tag may be negative. */
    private static byte[] bytes(BigInteger n) {
        return n.toByteArray();
    }

    private static byte[][] bytes(BigInteger[] proof) {
        return new byte[][] {bytes(proof[0]), bytes(proof[1])};
    }

    private static BigInteger number(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes.length > 1024) {
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, "PAKE value missing or too long");
        }
        return new BigInteger(bytes);
    }

    /** A Schnorr proof is (g^v, r). */
    private static BigInteger[] proof(byte[][] proof) {
        if (proof == null || proof.length != 2) {
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, "PAKE proof must hold two numbers");
        }
        return new BigInteger[] {number(proof[0]), number(proof[1])};
    }
}
