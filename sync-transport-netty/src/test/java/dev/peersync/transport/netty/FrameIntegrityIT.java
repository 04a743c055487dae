package dev.peersync.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.testing.Await;
import dev.peersync.testing.LogCapture;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import dev.peersync.transport.netty.support.TamperingProxy;
import dev.peersync.transport.netty.support.TransportFixture;
import dev.peersync.transport.netty.support.TransportFixture.Node;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With a cluster secret and no TLS, every frame after the handshake carries an HMAC under keys of that connection.
 * An on-path attacker lets the handshake through, then alters one frame: the receiving side closes the connection,
 * counts and logs it, and nothing of the altered frame is served or returned.
 */
class FrameIntegrityIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] SECRET = "frame-mac-secret-Zr8kWq2nVx5tLp9bHc3m".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    final TransportFixture fixture = new TransportFixture();

    @Test
    void an_altered_answer_is_refused_by_the_dialler_and_no_rows_are_returned() throws Exception {
        Node a = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(20, 1)));
        Node b = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(), "b");
        try (TamperingProxy proxy = new TamperingProxy(a.address().port()); LogCapture log = LogCapture.start()) {
            PeerClient client = b.transport().client(new PeerAddress("127.0.0.1", proxy.port()));
            assertThat(client.hello().get(10, TimeUnit.SECONDS)).isEqualTo(a.service().hello());
            assertThat(client.pull(new PullRequest(List.of("reviews"), "", 5)).get(10, TimeUnit.SECONDS).changes())
                    .as("an untouched frame passes its check").hasSize(5);

            proxy.alterNextToClient();
            assertThatThrownBy(() -> client.pull(new PullRequest(List.of("reviews"), "", 5)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);

            assertThat(proxy.altered()).isEqualTo(1);
            Await.until("b counting the altered frame", WAIT,
                    () -> b.transport().stats().rejections(RejectReason.BAD_FRAME_MAC), n -> n == 1);
            log.awaitLine("BAD_FRAME_MAC", WAIT);
            Await.until("the connection closed", WAIT, client::isConnected, connected -> !connected);
        }
    }

    @Test
    void an_altered_request_is_refused_by_the_server_and_never_reaches_the_service() throws Exception {
        Node a = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(20, 1)));
        Node b = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(), "b");
        try (TamperingProxy proxy = new TamperingProxy(a.address().port()); LogCapture log = LogCapture.start()) {
            PeerClient client = b.transport().client(new PeerAddress("127.0.0.1", proxy.port()));
            client.hello().get(10, TimeUnit.SECONDS);
            int callsBefore = a.service().calls();

            proxy.alterNextToServer();
            assertThatThrownBy(() -> client.pull(new PullRequest(List.of("reviews"), "", 5)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);

            Await.until("a counting the altered frame", WAIT,
                    () -> a.transport().stats().rejections(RejectReason.BAD_FRAME_MAC), n -> n == 1);
            log.awaitLine("BAD_FRAME_MAC", WAIT);
            assertThat(a.service().calls()).isEqualTo(callsBefore);
        }
    }
}
