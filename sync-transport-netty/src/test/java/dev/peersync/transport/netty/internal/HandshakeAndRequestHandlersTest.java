package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.PeerRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerUnavailableException;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import dev.peersync.testing.Await;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Handshake, dispatcher and correlator on EmbeddedChannels; the test plays the other side frame by frame. */
class HandshakeAndRequestHandlersTest {
    private final java.util.List<EmbeddedChannel> channels = new java.util.ArrayList<>();

    private EmbeddedChannel track(EmbeddedChannel channel) {
        channels.add(channel);
        return channel;
    }

    @org.junit.jupiter.api.AfterEach
    void releaseBuffers() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private static final byte[] SECRET = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    private final TransportStats stats = new TransportStats();
    private final NodeHello serverNode = Nodes.hello("server");
    private final NodeHello peerNode = Nodes.hello("peer");
    private final InMemorySyncService service = new InMemorySyncService(serverNode)
            .withRows(ReviewRows.generate(30, 7));

    private EmbeddedChannel server(byte[] secret) {
        return track(new EmbeddedChannel(
                new HandshakeHandler(serverNode, true, 0, secret == null ? null : auth(secret), HANDSHAKE_TIMEOUT, stats),
                new ResponseCorrelator(REQUEST_TIMEOUT, stats),
                new RequestDispatcher(service, Runnable::run, 10, stats),
                new ConnectionGuard(stats, true)));
    }

    private EmbeddedChannel dialler(byte[] secret) {
        return track(new EmbeddedChannel(new HandshakeHandler(peerNode, false, 0, auth(secret),
                HANDSHAKE_TIMEOUT, stats),
                new ResponseCorrelator(REQUEST_TIMEOUT, stats),
                new RequestDispatcher(new InMemorySyncService(peerNode), Runnable::run, 10, stats),
                new ConnectionGuard(stats, false)));
    }

    private EmbeddedChannel client() {
        return track(new EmbeddedChannel(new HandshakeHandler(peerNode, false, 0, null, HANDSHAKE_TIMEOUT, stats),
                new ResponseCorrelator(REQUEST_TIMEOUT, stats),
                new RequestDispatcher(new InMemorySyncService(peerNode), Runnable::run, 10, stats),
                new ConnectionGuard(stats, false)));
    }

    private static Frame hello(NodeHello node, byte[] nonce, boolean authRequired) {
        return Frame.oneWay(MessageType.HELLO, new Bodies.Hello(WireFormat.VERSION, Bodies.Node.of(node), nonce,
                authRequired, 0));
    }

    private static Bodies.Hello sentHello(EmbeddedChannel channel) {
        Frame frame = channel.readOutbound();
        assertThat(frame.type()).isEqualTo(MessageType.HELLO);
        return frame.body(Bodies.Hello.class);
    }

    private void assertRefused(EmbeddedChannel channel, RejectReason reason) {
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("connection closed").isFalse();
        assertThat(stats.rejections(reason)).as("rejections for " + reason).isEqualTo(1);
        Frame reject = null;
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            reject = (Frame) out;
        }
        assertThat(reject).isNotNull();
        assertThat(reject.type()).isEqualTo(MessageType.REJECT);
        assertThat(reject.body(Bodies.Reject.class).reason()).isEqualTo(reason);
    }

    private static void assertRefusedAlready(EmbeddedChannel channel) {
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("connection closed").isFalse();
        Frame last = null;
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            last = (Frame) out;
        }
        assertThat(last).isNotNull();
        assertThat(last.type()).isEqualTo(MessageType.REJECT);
    }

    @Test
    void open_handshake_then_pull_is_answered_with_a_capped_batch() {
        EmbeddedChannel channel = server(null);
        assertThat(sentHello(channel).node().value()).isEqualTo(serverNode);

        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), false));
        channel.writeInbound(SampleFrames.frame(MessageType.PULL, 1, new PullRequest(List.of("reviews"), "", 1000)));
        channel.runPendingTasks();

        Frame reply = channel.readOutbound();
        assertThat(reply.type()).isEqualTo(MessageType.BATCH);
        assertThat(reply.requestId()).isEqualTo(1);
        ChangeBatch batch = (ChangeBatch) MessageType.BATCH.fromWire(reply.body());
        assertThat(batch.changes()).hasSize(10); // server cap, not the 1000 asked for
        assertThat(batch.hasMore()).isTrue();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void request_before_handshake_closes_and_reaches_nothing() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);

        channel.writeInbound(SampleFrames.frame(MessageType.PULL, 1, new PullRequest(List.of("reviews"), "", 5)));

        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
        assertThat(service.calls()).isZero();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void a_hello_whose_schema_sync_core_refuses_is_a_protocol_error(boolean tablesMissing) {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        Bodies.Schema schema = tablesMissing ? new Bodies.Schema(null)
                : new Bodies.Schema(Map.of("reviews", new Bodies.SchemaTable(null, Map.of("id", "uuid"))));
        Bodies.Node node = new Bodies.Node(NodeId.random(), "bad", Nodes.CLUSTER, schema, 0, 0, "test", null);

        channel.writeInbound(Frame.oneWay(MessageType.HELLO,
                new Bodies.Hello(WireFormat.VERSION, node, HandshakeAuth.newNonce(), false, 0)));

        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
    }

    private static HandshakeAuth auth(byte[] secret) {
        return new HandshakeAuth(secret, Nodes.CLUSTER);
    }

    private static Frame frame(MessageType type, Object body) {
        return Frame.oneWay(type, body);
    }

    private static <T> T sent(EmbeddedChannel channel, MessageType type, Class<T> body) {
        Frame frame = channel.readOutbound();
        assertThat(frame).as("a " + type + " frame").isNotNull();
        assertThat(frame.type()).isEqualTo(type);
        return frame.body(body);
    }

    /**
     * Plays HELLO and J-PAKE rounds 1 and 2 as {@code other} against {@code channel}; checks that the channel sends
     * no confirmation before the other side's round 2. Returns the channel's round 2.
     */
    private static Bodies.PakeRound2 playRounds(EmbeddedChannel channel, NodeHello otherNode, PakeSession other) {
        channel.writeInbound(hello(otherNode, HandshakeAuth.newNonce(), true));
        Bodies.PakeRound1 round1 = sent(channel, MessageType.PAKE_ROUND1, Bodies.PakeRound1.class);
        channel.writeInbound(frame(MessageType.PAKE_ROUND1, other.round1()));
        Bodies.PakeRound2 round2 = sent(channel, MessageType.PAKE_ROUND2, Bodies.PakeRound2.class);
        Bodies.PakeRound2 otherRound2 = other.round2(round1);
        assertThat((Object) channel.readOutbound()).as("no confirmation before the other side's round 2").isNull();
        channel.writeInbound(frame(MessageType.PAKE_ROUND2, otherRound2));
        return round2;
    }

    @Test
    void key_exchange_completes_and_the_server_confirms_only_after_both_rounds() {
        EmbeddedChannel channel = server(SECRET);
        sentHello(channel);
        PakeSession test = auth(SECRET).newSession(peerNode.nodeId(), serverNode.nodeId());

        Bodies.PakeConfirm ownConfirm = test.keyConfirmation(playRounds(channel, peerNode, test));
        assertThat(test.confirmed(sent(channel, MessageType.PAKE_CONFIRM, Bodies.PakeConfirm.class)))
                .as("server's confirmation verifies").isTrue();
        channel.writeInbound(frame(MessageType.PAKE_CONFIRM, ownConfirm));
        channel.writeInbound(new Frame(MessageType.PING, 5, Bodies.Empty.INSTANCE));

        Frame pong = channel.readOutbound();
        assertThat(pong.type()).isEqualTo(MessageType.PONG);
        assertThat(pong.requestId()).isEqualTo(5);
        assertThat(stats.authFailures()).isZero();
    }

    @Test
    void dialler_with_a_wrong_secret_is_refused_counted_and_gets_nothing_served() {
        EmbeddedChannel channel = server(SECRET);
        sentHello(channel);
        PakeSession wrong = auth("not the secret".getBytes(StandardCharsets.UTF_8))
                .newSession(peerNode.nodeId(), serverNode.nodeId());

        Bodies.PakeConfirm wrongConfirm = wrong.keyConfirmation(playRounds(channel, peerNode, wrong));
        assertThat(wrong.confirmed(sent(channel, MessageType.PAKE_CONFIRM, Bodies.PakeConfirm.class)))
                .as("with another secret the server's confirmation does not verify").isFalse();
        channel.writeInbound(frame(MessageType.PAKE_CONFIRM, wrongConfirm));

        assertRefused(channel, RejectReason.BAD_PROOF);
        assertThat(stats.authFailures()).isEqualTo(1);
        assertThat(service.calls()).isZero();
    }

    @Test
    void dialler_sends_no_confirmation_until_the_acceptor_has_confirmed_and_none_to_a_wrong_one() {
        EmbeddedChannel channel = dialler(SECRET);
        sentHello(channel);
        PakeSession fake = auth("a guess of the secret".getBytes(StandardCharsets.UTF_8))
                .newSession(serverNode.nodeId(), peerNode.nodeId());

        Bodies.PakeRound2 diallerRound2 = playRounds(channel, serverNode, fake);
        assertThat((Object) channel.readOutbound()).as("no confirmation before the acceptor's").isNull();
        channel.writeInbound(frame(MessageType.PAKE_CONFIRM, fake.keyConfirmation(diallerRound2)));

        channel.runPendingTasks();
        assertThat(sent(channel, MessageType.REJECT, Bodies.Reject.class).reason()).isEqualTo(RejectReason.BAD_PROOF);
        assertThat((Object) channel.readOutbound()).as("nothing after the REJECT").isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(stats.rejections(RejectReason.BAD_PROOF)).isEqualTo(1);
    }

    @Test
    void a_stranger_that_only_says_hello_gets_round_one_only_and_is_closed_at_the_deadline() {
        // The deadline leaves room for computing round 1 (J-PAKE, slow while the JIT is cold) before it fires.
        EmbeddedChannel channel = track(new EmbeddedChannel(new HandshakeHandler(serverNode, true, 0,
                auth(SECRET), Duration.ofSeconds(2), stats), new ConnectionGuard(stats, true)));
        sentHello(channel);
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), true));
        sent(channel, MessageType.PAKE_ROUND1, Bodies.PakeRound1.class);
        assertThat((Object) channel.readOutbound()).isNull();

        Await.until("the handshake deadline", Duration.ofSeconds(10), () -> {
            channel.runPendingTasks();
            return stats.rejections(RejectReason.HANDSHAKE_TIMEOUT);
        }, n -> n == 1);
        assertRefusedAlready(channel);
    }

    @Test
    void a_round_one_reflected_back_is_refused() {
        EmbeddedChannel channel = dialler(SECRET);
        sentHello(channel);
        channel.writeInbound(hello(serverNode, HandshakeAuth.newNonce(), true));
        Frame round1 = channel.readOutbound();
        assertThat(round1.type()).isEqualTo(MessageType.PAKE_ROUND1);

        channel.writeInbound(round1); // the dialler's own round 1, as if the peer had sent it

        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void a_confirmation_before_the_rounds_is_refused() {
        EmbeddedChannel channel = server(SECRET);
        sentHello(channel);
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), true));
        channel.writeInbound(frame(MessageType.PAKE_CONFIRM, new Bodies.PakeConfirm(peerNode.nodeId().toString(),
                new byte[32])));
        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void request_instead_of_proof_is_refused() {
        EmbeddedChannel channel = server(SECRET);
        sentHello(channel);
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), true));

        channel.writeInbound(SampleFrames.frame(MessageType.DIGEST, 1, new PeerRequest.Digest("reviews")));

        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
        assertThat(service.calls()).isZero();
    }

    @Test
    void open_peer_is_refused_by_a_node_with_a_secret() {
        EmbeddedChannel channel = server(SECRET);
        sentHello(channel);
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), false));
        assertRefused(channel, RejectReason.MISSING_PROOF);
        assertThat(stats.authFailures()).isEqualTo(1);
    }

    @Test
    void peer_requiring_a_secret_is_refused_by_an_open_node() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), true));
        assertRefused(channel, RejectReason.SECRET_NOT_CONFIGURED);
    }

    @Test
    void other_cluster_is_refused() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        channel.writeInbound(hello(Nodes.hello("x", "other-cluster", Nodes.SCHEMA), HandshakeAuth.newNonce(), false));
        assertRefused(channel, RejectReason.CLUSTER_MISMATCH);
    }

    @Test
    void other_schema_is_refused() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        channel.writeInbound(hello(Nodes.hello("x", Nodes.CLUSTER, "other-schema"), HandshakeAuth.newNonce(), false));
        assertRefused(channel, RejectReason.SCHEMA_MISMATCH);
    }

    @Test
    void a_peer_with_a_column_more_is_accepted_and_served_a_rolling_migration_under_way() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        NodeHello migrated = new NodeHello(NodeId.random(), "migrated", Nodes.CLUSTER, Nodes.shape(Nodes.SCHEMA,
                Map.of("id", "uuid", "name", "text", "sku", "text")), 8000, 0, "test", null);
        channel.writeInbound(hello(migrated, HandshakeAuth.newNonce(), false));
        channel.writeInbound(SampleFrames.frame(MessageType.PULL, 1, new PullRequest(List.of("reviews"), "", 1000)));
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        assertThat(((Frame) channel.readOutbound()).type()).isEqualTo(MessageType.BATCH);
    }

    @Test
    void a_peer_whose_common_column_has_another_type_is_refused() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        NodeHello retyped = new NodeHello(NodeId.random(), "retyped", Nodes.CLUSTER, Nodes.shape(Nodes.SCHEMA,
                Map.of("id", "uuid", "name", "integer")), 8000, 0, "test", null);
        channel.writeInbound(hello(retyped, HandshakeAuth.newNonce(), false));
        assertRefused(channel, RejectReason.SCHEMA_MISMATCH);
    }

    @Test
    void connection_to_itself_is_refused() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        channel.writeInbound(hello(serverNode, HandshakeAuth.newNonce(), false));
        assertRefused(channel, RejectReason.SELF_CONNECTION);
    }

    @Test
    void short_nonce_is_refused() {
        EmbeddedChannel channel = server(SECRET);
        sentHello(channel);
        channel.writeInbound(hello(peerNode, new byte[4], true));
        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void large_frame_before_the_handshake_is_refused_but_allowed_after_it() {
        TransportStats before = new TransportStats();
        EmbeddedChannel unverified = track(new EmbeddedChannel(new FrameDecoder(1024 * 1024, Duration.ofSeconds(10)),
                new MessageCodec(1024 * 1024, false, 1024, before),
                new HandshakeHandler(serverNode, true, 0, null, HANDSHAKE_TIMEOUT, before), new ConnectionGuard(before, true)));
        unverified.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(FrameBytes.raw(WireFormat.MAGIC,
                WireFormat.VERSION, MessageType.HELLO.code(), 0, 0, 0, 100_000, new byte[0])));
        assertThat(unverified.isOpen()).isFalse();
        assertThat(before.rejections(RejectReason.FRAME_TOO_LARGE)).isEqualTo(1);

        TransportStats after = new TransportStats();
        EmbeddedChannel verified = track(new EmbeddedChannel(new FrameDecoder(1024 * 1024, Duration.ofSeconds(10)),
                new MessageCodec(1024 * 1024, false, 1024, after),
                new HandshakeHandler(serverNode, true, 0, null, HANDSHAKE_TIMEOUT, after),
                new RequestDispatcher(service, Runnable::run, 10, after), new ConnectionGuard(after, true)));
        verified.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(FrameBytes.encode(
                hello(peerNode, HandshakeAuth.newNonce(), false))));
        byte[] bigPks = FrameBytes.encode(SampleFrames.frame(MessageType.FETCH_ROWS, 1, new PeerRequest.FetchRows(
                "reviews",
                java.util.Collections.nCopies(5000, "[\"0123456789abcdef0123456789abcdef\"]"))));
        assertThat(bigPks.length).isGreaterThan(WireFormat.MAX_HANDSHAKE_FRAME);
        verified.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(bigPks));
        verified.runPendingTasks();
        assertThat(verified.isOpen()).isTrue();
        assertThat(after.requestsServed()).isEqualTo(1);
    }

    @Test
    void silent_peer_is_closed_at_the_handshake_deadline() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);

        channel.advanceTimeBy(HANDSHAKE_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertRefused(channel, RejectReason.HANDSHAKE_TIMEOUT);
    }

    @Test
    void reject_from_the_peer_closes_and_is_counted() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        channel.writeInbound(Frame.oneWay(MessageType.REJECT, new Bodies.Reject(RejectReason.CLUSTER_MISMATCH, "go away")));
        assertThat(channel.isOpen()).isFalse();
        assertThat(stats.snapshot().rejectedByPeer()).isEqualTo(1);
    }

    @Test
    void reply_to_a_request_never_sent_is_refused_by_the_accepting_side() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), false));
        channel.writeInbound(SampleFrames.frame(MessageType.BATCH, 3, new ChangeBatch(List.of(), "", false)));
        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void pushes_call_the_service_once_per_burst() {
        EmbeddedChannel channel = track(new EmbeddedChannel(
                new HandshakeHandler(serverNode, true, 0, null, HANDSHAKE_TIMEOUT, stats),
                new RequestDispatcher(service, task -> { }, 10, stats), // executor that never runs: push stays pending
                new ConnectionGuard(stats, true)));
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), false));
        for (int i = 0; i < 5; i++) {
            channel.writeInbound(Frame.oneWay(MessageType.PUSH, Bodies.Empty.INSTANCE));
        }
        assertThat(channel.isOpen()).isTrue();

        EmbeddedChannel running = server(null);
        running.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), false));
        running.writeInbound(Frame.oneWay(MessageType.PUSH, Bodies.Empty.INSTANCE));
        running.runPendingTasks();
        assertThat(service.changesAvailable()).containsExactly(peerNode.nodeId());
    }

    @Test
    void service_failure_is_answered_with_an_error_and_the_connection_stays_open() {
        InMemorySyncService failing = new InMemorySyncService(serverNode) {
            @Override
            public ChangeBatch pull(NodeId requester, PullRequest request) {
                throw new IllegalStateException("database is down");
            }
        };
        EmbeddedChannel channel = track(new EmbeddedChannel(new HandshakeHandler(serverNode, true, 0, null, HANDSHAKE_TIMEOUT, stats),
                new RequestDispatcher(failing, Runnable::run, 10, stats), new ConnectionGuard(stats, true)));
        sentHello(channel);
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), false));

        channel.writeInbound(SampleFrames.frame(MessageType.PULL, 8, new PullRequest(List.of("reviews"), "", 5)));
        channel.runPendingTasks();

        Frame reply = channel.readOutbound();
        assertThat(reply.type()).isEqualTo(MessageType.ERROR);
        assertThat(reply.requestId()).isEqualTo(8);
        assertThat(reply.body(Bodies.ErrorReply.class).message()).contains("database is down");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void bad_digest_ranges_are_answered_with_an_error_and_the_connection_keeps_serving() {
        EmbeddedChannel channel = server(null);
        sentHello(channel);
        channel.writeInbound(hello(peerNode, HandshakeAuth.newNonce(), false));
        Map<Object, String> refused = new java.util.LinkedHashMap<>();
        refused.put(new MessageType.RangesQuery("reviews", new int[][] {{-1, 0, 0}}),
                "bucket must not be negative, got: -1");
        refused.put(new MessageType.RangesQuery("reviews", new int[][] {{0, 1, 64}}),
                "prefix of a range of depth 1 must be in [0, 64), got: 64");
        refused.put(new MessageType.RangesQuery("reviews", new int[][] {{0, 7, 0}}), "depth must be in [0, 5], got: 7");
        refused.put(new MessageType.RangesQuery("reviews", new int[][] {{InMemorySyncService.BUCKETS, 0, 0}}),
                "bucket must be in [0, 16), got: 16");
        refused.put(new MessageType.RangesQuery("reviews", new int[][] {{1, 2}}),
                "a range is [bucket, depth, prefix], got: [1, 2]");
        refused.put(new MessageType.RangesQuery("reviews", new int[0][]), "a request names 1 to 256 ranges, got: 0");
        refused.put(new MessageType.VersionsQuery("reviews", new int[][] {{0, 2, -3}}, null, "", 10),
                "prefix of a range of depth 2 must be in [0, 4096), got: -3");
        refused.put(new MessageType.VersionsQuery("reviews", new int[][] {{0, 0, 0}}, new byte[7], "", 10),
                "packed hashes must be a multiple of 8 bytes, got: 7 bytes");
        refused.put(new MessageType.VersionsQuery("reviews", new int[][] {{0, 0, 0}}, null, "", -1),
                "limit must be positive, got: -1");
        int id = 40;
        for (Map.Entry<Object, String> bad : refused.entrySet()) {
            MessageType type = bad.getKey() instanceof MessageType.RangesQuery ? MessageType.RANGE_DIGESTS
                    : MessageType.RANGE_VERSIONS;
            channel.writeInbound(new Frame(type, ++id, bad.getKey()));
            channel.runPendingTasks();
            Frame reply = channel.readOutbound();
            assertThat(reply.type()).as(bad.getValue()).isEqualTo(MessageType.ERROR);
            assertThat(reply.requestId()).isEqualTo(id);
            assertThat(reply.body(Bodies.ErrorReply.class).message())
                    .startsWith(type + " refused by the serving node: ").contains(bad.getValue());
        }

        List<DigestRange> ranges = List.of(DigestRange.bucket(3), DigestRange.bucket(4).child(1));
        channel.writeInbound(new Frame(MessageType.RANGE_DIGESTS, ++id, new MessageType.RangesQuery("reviews",
                DigestWire.triples(ranges))));
        channel.runPendingTasks();
        Frame good = channel.readOutbound();
        assertThat(good.type()).isEqualTo(MessageType.RANGE_DIGESTS_REPLY);
        assertThat(good.body(MessageType.RangeDigests.class).digests().stream().map(DigestWire::unpack).toList())
                .isEqualTo(service.rangeDigests("reviews", ranges));
        assertThat(channel.isOpen()).isTrue();
        assertThat(stats.rejections(RejectReason.PROTOCOL_ERROR)).isZero();
    }

    private EmbeddedChannel handshakenClient() {
        EmbeddedChannel channel = client();
        sentHello(channel);
        channel.writeInbound(hello(serverNode, HandshakeAuth.newNonce(), false));
        return channel;
    }

    @Test
    void reply_with_an_unknown_request_id_closes_the_connection() {
        EmbeddedChannel channel = handshakenClient();
        channel.writeInbound(new Frame(MessageType.PONG, 77, Bodies.Empty.INSTANCE));
        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void reply_of_the_wrong_type_fails_the_request_and_closes() {
        EmbeddedChannel channel = handshakenClient();
        ResponseCorrelator correlator = channel.pipeline().get(ResponseCorrelator.class);
        CompletableFuture<ResponseCorrelator.Reply> ping = correlator.request(MessageType.PING, Bodies.Empty.INSTANCE);
        channel.runPendingTasks();
        Frame sent = channel.readOutbound();

        channel.writeInbound(SampleFrames.frame(MessageType.BATCH, sent.requestId(),
                new ChangeBatch(List.of(), "", false)));

        assertThat(ping).isCompletedExceptionally();
        assertRefused(channel, RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void dialling_side_answers_requests_from_the_accepting_side_on_the_same_connection() {
        EmbeddedChannel channel = handshakenClient();
        channel.writeInbound(SampleFrames.frame(MessageType.PULL, 1, new PullRequest(List.of("reviews"), "", 5)));
        channel.runPendingTasks();

        Frame reply = channel.readOutbound();
        assertThat(reply.type()).isEqualTo(MessageType.BATCH);
        assertThat(reply.requestId()).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }


    @Test
    void unanswered_request_times_out_and_a_late_reply_is_ignored() {
        EmbeddedChannel channel = handshakenClient();
        ResponseCorrelator correlator = channel.pipeline().get(ResponseCorrelator.class);
        CompletableFuture<ResponseCorrelator.Reply> ping = correlator.request(MessageType.PING, Bodies.Empty.INSTANCE);
        channel.runPendingTasks();
        Frame sent = channel.readOutbound();

        channel.advanceTimeBy(REQUEST_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(ping).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(PeerUnavailableException.class).withMessageContaining("no answer within");

        channel.writeInbound(new Frame(MessageType.PONG, sent.requestId(), Bodies.Empty.INSTANCE));
        assertThat(channel.isOpen()).isTrue();
        assertThat(stats.snapshot().requestTimeouts()).isEqualTo(1);
    }

    @Test
    void pending_requests_fail_when_the_connection_closes() {
        EmbeddedChannel channel = handshakenClient();
        ResponseCorrelator correlator = channel.pipeline().get(ResponseCorrelator.class);
        CompletableFuture<ResponseCorrelator.Reply> ping = correlator.request(MessageType.PING, Bodies.Empty.INSTANCE);
        channel.runPendingTasks();

        channel.close();

        assertThat(ping).isCompletedExceptionally();
    }

    @Test
    void error_reply_fails_the_request_with_the_servers_message() {
        EmbeddedChannel channel = handshakenClient();
        ResponseCorrelator correlator = channel.pipeline().get(ResponseCorrelator.class);
        CompletableFuture<ResponseCorrelator.Reply> digest = correlator.request(MessageType.DIGEST,
                MessageType.DIGEST.toWire(new PeerRequest.Digest("nope")));
        channel.runPendingTasks();
        Frame sent = channel.readOutbound();

        channel.writeInbound(new Frame(MessageType.ERROR, sent.requestId(), new Bodies.ErrorReply("no table nope")));

        assertThat(digest).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("no table nope");
        assertThat(channel.isOpen()).isTrue();
    }
}
