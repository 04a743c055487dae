package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.NodeHello;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handshake on one connection, the same on both sides:
 * <ol>
 *   <li>on connect each side sends HELLO (its {@link NodeHello}, protocol version, a fresh nonce, and whether
 *       it requires a cluster secret);</li>
 *   <li>on the peer's HELLO it checks protocol version, cluster id, schema fingerprint, that the peer is not
 *       itself, and that both sides agree on authentication;</li>
 *   <li>with a secret both sides run J-PAKE ({@link PakeSession}, password from {@link HandshakeAuth}): each sends
 *       PAKE_ROUND1, on the peer's round 1 its PAKE_ROUND2, and on the peer's round 2 computes the shared key;
 *       then the accepting side sends its PAKE_CONFIRM, the dialler checks it and only then sends its own.</li>
 * </ol>
 * Nothing either side sends lets a peer that does not know the secret test guesses of it offline: rounds 1 and 2
 * are zero-knowledge, and a confirmation only answers the one guess the peer made in that connection. The
 * dialler, which may have been lured to a fake peer (a forged announcement, a wrong manual address), confirms
 * only to a peer that has confirmed first; see docs/security.md.
 * Only then does it fire {@link HandshakeCompleted} and remove itself; until then any other frame is a
 * protocol error. Every failure is a {@link ProtocolViolationException} that {@link ConnectionGuard} turns into
 * a REJECT frame, a close and a counter. A connection that has not finished within the deadline (one deadline
 * for all rounds) is closed. Holds per-connection state: not sharable.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);

    private final NodeHello local;
    private final boolean accepting;
    private final int listenPort;
    private final HandshakeAuth auth;
    private final boolean macFrames;
    private final Duration timeout;
    private final TransportStats stats;
    private final byte[] ownNonce = HandshakeAuth.newNonce();
    private Bodies.Hello peer;
    private NodeHello peerNode;
    private PakeSession pake;
    private Bodies.PakeConfirm ownConfirmation;
    private ScheduledFuture<?> deadline;

    /**
     * @param accepting  true on connections this node accepted (it confirms the key first), false on those it
     *                   dialled
     * @param listenPort this node's server port or 0
     * @param auth       {@code null} in protected mode (no cluster secret)
     */
    public HandshakeHandler(NodeHello local, boolean accepting, int listenPort, HandshakeAuth auth, Duration timeout,
                            TransportStats stats) {
        this(local, accepting, listenPort, auth, false, timeout, stats);
    }

    /** @param macFrames with {@code auth}: put a {@link FrameMac} on every frame after the handshake (TLS off) */
    public HandshakeHandler(NodeHello local, boolean accepting, int listenPort, HandshakeAuth auth, boolean macFrames,
                            Duration timeout, TransportStats stats) {
        this.macFrames = macFrames && auth != null;
        this.local = local;
        this.accepting = accepting;
        this.listenPort = listenPort;
        this.auth = auth;
        this.timeout = timeout;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(Frame.oneWay(MessageType.HELLO,
                new Bodies.Hello(WireFormat.VERSION, Bodies.Node.of(local), ownNonce, auth != null, listenPort)));
        deadline = ctx.executor().schedule(() -> ctx.fireExceptionCaught(new ProtocolViolationException(
                RejectReason.HANDSHAKE_TIMEOUT, "handshake not completed within " + timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            Frame frame = (Frame) msg;
            switch (frame.type()) {
                case HELLO -> onHello(ctx, frame.body(Bodies.Hello.class));
                case PAKE_ROUND1 -> onRound1(ctx, frame.body(Bodies.PakeRound1.class));
                case PAKE_ROUND2 -> onRound2(ctx, frame.body(Bodies.PakeRound2.class));
                case PAKE_CONFIRM -> onConfirm(ctx, frame.body(Bodies.PakeConfirm.class));
                case REJECT -> ConnectionGuard.peerRejected(ctx, frame.body(Bodies.Reject.class), stats);
                default -> throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR,
                        frame.type() + " before the handshake completed");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHello(ChannelHandlerContext ctx, Bodies.Hello hello) {
        if (peer != null) {
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, "second HELLO");
        }
        NodeHello node = node(hello);
        check(hello, node);
        peer = hello;
        peerNode = node;
        if (auth == null) {
            complete(ctx);
            return;
        }
        pake = auth.newSession(local.nodeId(), node.nodeId());
        send(ctx, MessageType.PAKE_ROUND1, pake.round1());
    }

    private void onRound1(ChannelHandlerContext ctx, Bodies.PakeRound1 round1) {
        send(ctx, MessageType.PAKE_ROUND2, session("PAKE_ROUND1").round2(round1));
    }

    private void onRound2(ChannelHandlerContext ctx, Bodies.PakeRound2 round2) {
        Bodies.PakeConfirm confirmation = session("PAKE_ROUND2").keyConfirmation(round2);
        if (accepting) {
            send(ctx, MessageType.PAKE_CONFIRM, confirmation);
        } else {
            ownConfirmation = confirmation; // held until the acceptor has confirmed
        }
    }

    private void onConfirm(ChannelHandlerContext ctx, Bodies.PakeConfirm confirm) {
        if (!session("PAKE_CONFIRM").confirmed(confirm)) {
            throw new ProtocolViolationException(RejectReason.BAD_PROOF, "peer " + peerNode.nodeId()
                    + " failed the key confirmation: it does not know this cluster's secret");
        }
        if (!accepting) {
            send(ctx, MessageType.PAKE_CONFIRM, ownConfirmation);
        }
        complete(ctx);
    }

    private PakeSession session(String message) {
        if (pake == null) {
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, message + " not expected now");
        }
        return pake;
    }

    private static void send(ChannelHandlerContext ctx, MessageType type, Object body) {
        ctx.writeAndFlush(Frame.oneWay(type, body));
    }

    /**
     * The peer's node, built by sync-core's constructors: a value they refuse (a schema without its tables) is a
     * malformed HELLO, refused like a body the codec cannot parse.
     */
    private static NodeHello node(Bodies.Hello hello) {
        try {
            return hello.node() == null ? null : hello.node().value();
        } catch (RuntimeException e) {
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, "malformed HELLO body: " + e.getMessage(),
                    e);
        }
    }

    private void check(Bodies.Hello hello, NodeHello node) {
        if (hello.protocolVersion() != WireFormat.VERSION) {
            throw new ProtocolViolationException(RejectReason.VERSION_MISMATCH, "peer speaks protocol version "
                    + hello.protocolVersion() + ", this node speaks " + WireFormat.VERSION);
        }
        if (node == null || node.nodeId() == null || node.clusterId() == null || node.schema() == null
                || hello.nonce() == null || hello.nonce().length != HandshakeAuth.NONCE_SIZE
                || hello.listenPort() < 0 || hello.listenPort() > 65535) {
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR,
                    "HELLO needs node id, cluster id, schema, a " + HandshakeAuth.NONCE_SIZE
                            + "-byte nonce and a listen port in 0..65535");
        }
        if (!node.clusterId().equals(local.clusterId())) {
            throw new ProtocolViolationException(RejectReason.CLUSTER_MISMATCH, "peer " + node.nodeId()
                    + " is in cluster '" + node.clusterId() + "', this node is in '" + local.clusterId() + "'");
        }
        // Compatible, not equal: a column one side lacks still crosses (a migration rolled out node by node).
        java.util.List<String> incompatible = local.schema().incompatibilities(node.schema());
        if (!incompatible.isEmpty()) {
            throw new ProtocolViolationException(RejectReason.SCHEMA_MISMATCH, "peer " + node.nodeId()
                    + " has synced tables whose rows cannot be exchanged safely with this node's: "
                    + String.join("; ", incompatible));
        }
        if (node.nodeId().equals(local.nodeId())) {
            throw new ProtocolViolationException(RejectReason.SELF_CONNECTION, "peer is this node itself");
        }
        if (hello.authRequired() && auth == null) {
            throw new ProtocolViolationException(RejectReason.SECRET_NOT_CONFIGURED, "peer " + node.nodeId()
                    + " requires a cluster secret and this node has none: set CLUSTER_SECRET on every node");
        }
        if (!hello.authRequired() && auth != null) {
            throw new ProtocolViolationException(RejectReason.MISSING_PROOF, "peer " + node.nodeId()
                    + " runs without a cluster secret and this node requires one: set CLUSTER_SECRET on every node");
        }
    }

    private void complete(ChannelHandlerContext ctx) {
        cancelDeadline();
        stats.handshakeCompleted();
        log.debug("Handshake with {} ({}) completed", peerNode.nodeId(), ctx.channel().remoteAddress());
        FrameDecoder frames = ctx.pipeline().get(FrameDecoder.class);
        if (frames != null) {
            frames.handshakeCompleted();
        }
        if (macFrames) {
            // The key is confirmed both ways; every frame from here on carries a tag (see FrameMac).
            HandshakeAuth.SessionKeys keys = accepting
                    ? HandshakeAuth.sessionKeys(pake.keyingMaterial(), peer.nonce(), ownNonce)
                    : HandshakeAuth.sessionKeys(pake.keyingMaterial(), ownNonce, peer.nonce());
            FrameMac mac = accepting ? new FrameMac(keys.acceptorToDialler(), keys.diallerToAcceptor())
                    : new FrameMac(keys.diallerToAcceptor(), keys.acceptorToDialler());
            if (ctx.pipeline().get("codec") != null) {
                ctx.pipeline().addBefore("codec", "frame-mac", mac);
            } else {
                ctx.pipeline().addFirst("frame-mac", mac);
            }
        }
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(new HandshakeCompleted(peerNode, peer.listenPort()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        super.channelInactive(ctx);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
