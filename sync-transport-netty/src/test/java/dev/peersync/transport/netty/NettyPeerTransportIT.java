package dev.peersync.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PeerUnavailableException;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import dev.peersync.testing.LogCapture;
import dev.peersync.transport.netty.internal.Bodies;
import dev.peersync.transport.netty.internal.Frame;
import dev.peersync.transport.netty.internal.MessageType;
import dev.peersync.transport.netty.internal.RawPeer;
import dev.peersync.transport.netty.support.Await;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import dev.peersync.transport.netty.support.TransportFixture;
import dev.peersync.transport.netty.support.TransportFixture.Node;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two transports on loopback talking over real sockets. */
class NettyPeerTransportIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] SECRET = "cluster-secret-one".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    final TransportFixture fixture = new TransportFixture();

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void open_nodes_handshake_and_answer_every_request() throws Exception {
        List<RowChange> rows = ReviewRows.generate(250, 3);
        Node a = fixture.start(TransportFixture.settings().maxRowsPerBatch(100).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(rows));
        Node b = fixture.start(TransportFixture.settings().build(), "b");
        PeerClient client = b.transport().client(a.address());

        assertThat(get(client.hello())).isEqualTo(a.service().hello());
        assertThat(b.transport().client(a.address())).isSameAs(client);
        assertThat(client.isConnected()).isTrue();

        List<RowChange> pulled = new ArrayList<>();
        String cursor = "";
        ChangeBatch batch;
        do {
            batch = get(client.pull(new PullRequest(List.of("reviews"), cursor, 1000)));
            assertThat(batch.changes()).hasSizeLessThanOrEqualTo(100);
            pulled.addAll(batch.changes());
            cursor = batch.nextCursor();
        } while (batch.hasMore());
        assertThat(pulled).isEqualTo(rows);

        assertThat(get(client.digest("reviews")).rowCount()).isEqualTo(250);
        assertThat(get(client.bucketHashes("reviews"))).isEqualTo(a.service().bucketHashes("reviews"))
                .hasSize(InMemorySyncService.BUCKETS);
        List<DigestRange> ranges = List.of(DigestRange.bucket(3), DigestRange.bucket(5).child(9));
        List<RangeDigest> digests = get(client.rangeDigests("reviews", ranges));
        assertThat(digests).isEqualTo(a.service().rangeDigests("reviews", ranges));
        assertThat(digests.get(0).children()).isNotEmpty();
        VersionsRequest asked = new VersionsRequest(ranges, List.of(), "", 1000);
        VersionPage versions = get(client.rangeVersions("reviews", asked));
        assertThat(versions).isEqualTo(a.service().rangeVersions("reviews", asked));
        assertThat(versions.versions()).isNotEmpty();
        List<String> keys = List.of(rows.get(0).pk(), rows.get(7).pk());
        assertThat(get(client.fetchRows("reviews", keys))).containsExactlyInAnyOrder(rows.get(0), rows.get(7));
        assertThat(get(client.ping())).isPositive();

        client.notifyChanges();
        Await.until("push to reach a's service", () -> a.service().changesAvailable(),
                seen -> ((List<?>) seen).contains(b.service().hello().nodeId()), WAIT);
        assertThat(a.transport().inboundConnections()).as("one connection reused for everything").isEqualTo(1);
        assertThat(b.transport().stats().snapshot().connectionsOpened()).isEqualTo(1);
    }

    @Test
    void snapshot_pages_cross_and_a_refused_page_leaves_the_connection_serving() throws Exception {
        List<RowChange> rows = ReviewRows.generate(25, 4);
        Node a = fixture.start(TransportFixture.settings().build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(rows));
        Node b = fixture.start(TransportFixture.settings().build(), "b");
        PeerClient client = b.transport().client(a.address());
        List<String> columns = List.of("id", "rating");

        int lines = 0;
        String after = "";
        SnapshotPage page;
        do {
            page = get(client.snapshot(new SnapshotRequest("reviews", columns, after, 10)));
            assertThat(page).isEqualTo(a.service().snapshot(b.service().hello().nodeId(),
                    new SnapshotRequest("reviews", columns, after, 10)));
            assertThat(page.feedCursor()).isEqualTo("cursor-" + b.service().hello().nodeId());
            lines += page.rows();
            after = page.lastPk();
        } while (page.hasMore());
        assertThat(lines).isEqualTo(25);
        assertThat(after).isEqualTo(rows.get(24).pk());

        assertThatThrownBy(() -> get(client.snapshot(new SnapshotRequest("secrets", columns, "", 10))))
                .hasCauseInstanceOf(PeerUnavailableException.class)
                .hasMessageContaining("table is not synced here: secrets");
        assertThat(get(client.ping())).isPositive();
    }

    @Test
    void a_pair_of_nodes_shares_one_connection_in_both_directions() throws Exception {
        Node a = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(7, 1)));
        Node b = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(),
                new InMemorySyncService(Nodes.hello("b")).withRows(ReviewRows.generate(9, 2)));
        PeerClient aToB = a.transport().client(b.address());
        assertThat(get(aToB.hello())).isEqualTo(b.service().hello());

        PeerClient bToA = b.transport().client(a.address());
        Await.until("b to use the connection a opened", bToA::isConnected, WAIT);

        assertThat(get(bToA.hello())).isEqualTo(a.service().hello());
        assertThat(get(bToA.pull(new PullRequest(List.of("reviews"), "", 100))).changes()).hasSize(7);
        assertThat(get(aToB.pull(new PullRequest(List.of("reviews"), "", 100))).changes()).hasSize(9);
        assertThat(get(bToA.ping())).isPositive();
        bToA.notifyChanges();
        aToB.notifyChanges();
        Await.until("pushes both ways", () -> a.service().changesAvailable().contains(b.service().hello().nodeId())
                && b.service().changesAvailable().contains(a.service().hello().nodeId()), WAIT);

        assertThat(b.transport().inboundConnections()).isEqualTo(1);
        assertThat(a.transport().inboundConnections()).isZero();
        assertThat(b.transport().stats().snapshot().connectionsOpened()).as("b never dialled").isZero();
        assertThat(a.transport().stats().snapshot().connectionsOpened()).isEqualTo(1);
    }

    @Test
    void nodes_with_the_same_secret_authenticate_and_pull() throws Exception {
        Node a = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(5, 1)));
        Node b = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(), "b");

        ChangeBatch batch = get(b.transport().client(a.address()).pull(new PullRequest(List.of("reviews"), "", 10)));

        assertThat(batch.changes()).hasSize(5);
        assertThat(a.transport().authenticated()).isTrue();
        assertThat(a.transport().securityStatus()).startsWith("authenticated");
    }

    @Test
    void wrong_secret_is_refused_on_both_sides_and_nothing_reaches_the_service() throws Exception {
        Node a = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(5, 1)));
        Node b = fixture.start(TransportFixture.settings()
                .clusterSecret("another-secret".getBytes(StandardCharsets.UTF_8)).build(), "b");
        PeerClient client = b.transport().client(a.address());

        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> get(client.pull(new PullRequest(List.of("reviews"), "", 10))))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PeerUnavailableException.class)
                    .hasMessageContaining("BAD_PROOF");
            log.awaitLine("failed the key confirmation", WAIT);
        }

        Await.until("both sides count the failed key exchange", () -> a.transport().stats().authFailures() >= 1
                && b.transport().stats().authFailures() >= 1, WAIT);
        assertThat(a.service().calls()).isZero();
        assertThat(b.service().calls()).isZero();
        assertThat(client.isConnected()).isFalse();
    }

    @Test
    void node_without_secret_is_refused_by_a_node_with_one() throws Exception {
        Node a = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(), "a");
        Node b = fixture.start(TransportFixture.settings().build(), "b");

        assertThatThrownBy(() -> get(b.transport().client(a.address()).hello()))
                .cause().isInstanceOf(PeerUnavailableException.class);
        Await.until("a counts the missing proof",
                () -> a.transport().stats().rejections(RejectReason.MISSING_PROOF) == 1, WAIT);
        assertThat(b.transport().securityStatus()).startsWith("PROTECTED MODE");
        assertThat(a.service().calls()).isZero();
    }

    @Test
    void node_of_another_cluster_is_refused() {
        Node a = fixture.start(TransportFixture.settings().build(), "a");
        Node b = fixture.start(NettyTransportSettings.builder("other").bindHost("127.0.0.1").port(0).build(),
                new InMemorySyncService(Nodes.hello("b", "other", Nodes.SCHEMA)));

        assertThatThrownBy(() -> get(b.transport().client(a.address()).hello()))
                .cause().isInstanceOf(PeerUnavailableException.class).hasMessageContaining("CLUSTER_MISMATCH");
        // Both sides send their hello at once, so either may be the one to see the mismatch and count it.
        Await.until("the mismatch counted by one side", () -> a.transport().stats().rejections(RejectReason.CLUSTER_MISMATCH)
                + b.transport().stats().rejections(RejectReason.CLUSTER_MISMATCH) >= 1, WAIT);
    }

    @Test
    void unanswered_request_times_out_and_the_connection_keeps_working() throws Exception {
        Node a = fixture.start(TransportFixture.settings().build(), "a");
        Node b = fixture.start(TransportFixture.settings().requestTimeout(Duration.ofSeconds(1)).build(), "b");
        PeerClient client = b.transport().client(a.address());
        get(client.hello());
        a.service().blockPulls();
        try {
            assertThatThrownBy(() -> get(client.pull(new PullRequest(List.of("reviews"), "", 10))))
                    .cause().isInstanceOf(PeerUnavailableException.class).hasMessageContaining("no answer within");
        } finally {
            a.service().unblockPulls();
        }
        assertThat(get(client.pull(new PullRequest(List.of("reviews"), "", 10))).changes()).isEmpty();
        assertThat(client.isConnected()).isTrue();
        assertThat(b.transport().stats().snapshot().requestTimeouts()).isEqualTo(1);
    }

    @Test
    void unreachable_peer_fails_fast_with_peer_unavailable() {
        Node b = fixture.start(TransportFixture.settings().build(), "b");
        Node a = fixture.start(TransportFixture.settings().build(), "a");
        a.transport().close();

        assertThatThrownBy(() -> get(b.transport().client(a.address()).ping()))
                .cause().isInstanceOf(PeerUnavailableException.class);
    }

    @Test
    void client_reconnects_after_the_server_restarts_on_the_same_port() throws Exception {
        Node a = fixture.start(TransportFixture.settings().build(), "a");
        Node b = fixture.start(TransportFixture.settings().build(), "b");
        PeerClient client = b.transport().client(a.address());
        get(client.ping());

        a.transport().close();
        Await.until("client notices the drop", () -> !client.isConnected(), WAIT);
        Node restarted = fixture.start(TransportFixture.settings().port(a.address().port()).build(),
                new InMemorySyncService(a.service().hello()).withRows(ReviewRows.generate(3, 9)));

        Await.until("client reconnected in the background", client::isConnected, WAIT);
        assertThat(get(client.pull(new PullRequest(List.of("reviews"), "", 10))).changes()).hasSize(3);
        assertThat(restarted.transport().inboundConnections()).isEqualTo(1);
    }

    /**
     * A port that accepts connections and drops them at once (a link proxy whose node is restarting): every request
     * fails promptly instead of waiting on a connect attempt that never ends, and the client connects once a real
     * node listens there.
     */
    @Test
    void connections_dropped_right_after_accept_fail_requests_and_the_client_recovers() throws Exception {
        java.net.ServerSocket dropper = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        int port = dropper.getLocalPort();
        Thread dropping = new Thread(() -> {
            while (!dropper.isClosed()) {
                try (java.net.Socket s = dropper.accept()) {
                    s.setSoLinger(true, 0); // reset, as a proxy does when its upstream refuses
                } catch (java.io.IOException e) {
                    return; // closed by the test
                }
            }
        }, "accept-and-drop");
        dropping.start();
        Node b = fixture.start(TransportFixture.settings().build(), "b");
        PeerClient client = b.transport().client(new dev.peersync.core.spi.PeerAddress("127.0.0.1", port));
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int failures = 0;
        while (System.nanoTime() < until) {
            assertThatThrownBy(() -> get(client.ping())).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PeerUnavailableException.class);
            failures++;
        }
        assertThat(failures).isPositive();
        dropper.close();
        dropping.join(5_000);

        Node a = fixture.start(TransportFixture.settings().port(port).build(), "a");
        Await.until("client connected to the node now listening on the port", () -> {
            try {
                get(client.ping());
                return true;
            } catch (ExecutionException e) {
                return false; // still backing off after the drops
            } catch (Exception e) {
                throw new AssertionError("ping neither answered nor failed: " + e, e); // a hung connect attempt
            }
        }, WAIT);
        assertThat(a.transport().inboundConnections()).isEqualTo(1);
    }

    @Test
    void idle_connection_is_kept_alive_by_pings() throws Exception {
        Duration idle = Duration.ofMillis(1200);
        Node a = fixture.start(TransportFixture.settings().idleTimeout(idle).build(), "a");
        Node b = fixture.start(TransportFixture.settings().idleTimeout(idle).build(), "b");
        PeerClient client = b.transport().client(a.address());
        get(client.hello());
        long framesAtStart = a.transport().stats().snapshot().framesIn();

        // Several idle periods pass with no request: only keep-alive pings flow.
        Await.until("keep-alive pings over two idle periods", () -> a.transport().stats().snapshot().framesIn(),
                seen -> (long) seen >= framesAtStart + 6, WAIT);

        assertThat(client.isConnected()).isTrue();
        assertThat(a.transport().stats().snapshot().connectionsAccepted()).isEqualTo(1);
        assertThat(a.transport().stats().rejections(RejectReason.IDLE)).isZero();
    }

    @Test
    void silent_peer_after_handshake_is_closed_as_idle() throws Exception {
        Node a = fixture.start(TransportFixture.settings().idleTimeout(Duration.ofMillis(500)).build(), "a");
        try (RawPeer raw = new RawPeer(new java.net.InetSocketAddress(a.address().port()))) {
            raw.helloOpen(Nodes.hello("raw"));
            assertThat(raw.readUntilClosed().reason()).isEqualTo(RejectReason.IDLE);
        }
        assertThat(a.transport().stats().rejections(RejectReason.IDLE)).isEqualTo(1);
    }

    @Test
    void peer_that_never_says_hello_is_closed_at_the_handshake_deadline() throws Exception {
        Node a = fixture.start(TransportFixture.settings().handshakeTimeout(Duration.ofMillis(300)).build(), "a");
        try (RawPeer raw = new RawPeer(new java.net.InetSocketAddress(a.address().port()))) {
            assertThat(raw.readUntilClosed().reason()).isEqualTo(RejectReason.HANDSHAKE_TIMEOUT);
        }
    }

    @Test
    void slowloris_frame_is_closed_and_other_peers_are_still_served() throws Exception {
        Node a = fixture.start(TransportFixture.settings().frameTimeout(Duration.ofMillis(500)).build(), "a");
        Node b = fixture.start(TransportFixture.settings().build(), "b");
        try (RawPeer raw = new RawPeer(new java.net.InetSocketAddress(a.address().port()))) {
            raw.helloOpen(Nodes.hello("raw"));
            raw.send(new byte[] {'P', 'S', 'Y'}); // a frame that never completes
            assertThat(raw.readUntilClosed().reason()).isEqualTo(RejectReason.SLOW_PEER);
        }
        assertThat(get(b.transport().client(a.address()).ping())).isPositive();
    }

    @Test
    void peer_that_does_not_read_cannot_grow_the_servers_buffers() throws Exception {
        int batchRows = 100; // ~500 bytes each: a ~55 KB answer per pull
        Node a = fixture.start(TransportFixture.settings().maxRowsPerBatch(batchRows)
                        .writeBufferWaterMarks(32 * 1024, 64 * 1024).idleTimeout(Duration.ofSeconds(30)).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(batchRows, 5)));
        Node b = fixture.start(TransportFixture.settings().build(), "b");
        int requests = 2000;
        long bound = 64 * 1024 + 2 * 64 * 1024; // high water mark + one answer (with margin)

        try (RawPeer greedy = new RawPeer(new java.net.InetSocketAddress(a.address().port()))) {
            greedy.helloOpen(Nodes.hello("greedy"));
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 1; i <= requests; i++) {
                        greedy.send(new Frame(MessageType.PULL, i,
                                MessageType.PULL.toWire(new PullRequest(List.of("reviews"), "", batchRows))));
                    }
                } catch (java.io.IOException e) {
                    // expected once the server stops reading and the test closes the socket
                }
            }, "greedy-writer");
            writer.setDaemon(true);
            writer.start();

            // The server answers until the peer's socket buffers are full, then stops: wait for that plateau.
            long[] maxPending = {0};
            int[] lastCalls = {-1};
            long[] stableSince = {System.nanoTime()};
            Await.until("the server to stop answering the non-reading peer", () -> {
                maxPending[0] = Math.max(maxPending[0], a.transport().pendingOutboundBytes());
                int calls = a.service().calls();
                if (calls != lastCalls[0]) {
                    lastCalls[0] = calls;
                    stableSince[0] = System.nanoTime();
                }
                return calls > 0 && System.nanoTime() - stableSince[0] > TimeUnit.MILLISECONDS.toNanos(1000)
                        ? "stable at " + calls + " calls" : "calls=" + calls + " pending=" + maxPending[0];
            }, seen -> seen.toString().startsWith("stable"), Duration.ofSeconds(30));

            assertThat(a.service().calls()).as("answers produced before backpressure stopped the server")
                    .isLessThan(requests);
            assertThat(maxPending[0]).as("server-side buffered bytes").isPositive().isLessThanOrEqualTo(bound);
            assertThat(a.transport().pendingOutboundBytes()).isLessThanOrEqualTo(bound);
            // The node keeps serving everybody else meanwhile.
            assertThat(get(b.transport().client(a.address()).ping())).isPositive();
        }
    }

    @Test
    void many_requests_in_flight_on_one_connection_all_get_their_own_answer() throws Exception {
        Node a = fixture.start(TransportFixture.settings().build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(200, 8)));
        Node b = fixture.start(TransportFixture.settings().build(), "b");
        PeerClient client = b.transport().client(a.address());
        List<CompletableFuture<ChangeBatch>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(client.pull(new PullRequest(List.of("reviews"), String.valueOf(i), 1)));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(get(futures.get(i)).changes()).containsExactly(a.service().rows().get(i));
        }
    }

    @Test
    void connections_beyond_the_maximum_are_closed_at_accept() throws Exception {
        Node a = fixture.start(TransportFixture.settings().maxConnections(2).build(), "a");
        try (RawPeer one = new RawPeer(new java.net.InetSocketAddress(a.address().port()));
             RawPeer two = new RawPeer(new java.net.InetSocketAddress(a.address().port()))) {
            Await.until("two connections accepted", () -> a.transport().inboundConnections() == 2, WAIT);
            try (RawPeer three = new RawPeer(new java.net.InetSocketAddress(a.address().port()))) {
                assertThat(three.readUntilClosed()).as("closed without a REJECT").isNull();
            }
            assertThat(a.transport().stats().rejections(RejectReason.TOO_MANY_CONNECTIONS)).isEqualTo(1);
            assertThat(one.read().type()).as("the others are served").isEqualTo(MessageType.HELLO);
        }
    }

    @Test
    void push_from_a_raw_peer_before_handshake_is_refused() throws Exception {
        Node a = fixture.start(TransportFixture.settings().build(), "a");
        try (RawPeer raw = new RawPeer(new java.net.InetSocketAddress(a.address().port()))) {
            raw.send(Frame.oneWay(MessageType.PUSH, Bodies.Empty.INSTANCE));
            assertThat(raw.readUntilClosed().reason()).isEqualTo(RejectReason.PROTOCOL_ERROR);
        }
        assertThat(a.service().calls()).isZero();
    }
}
