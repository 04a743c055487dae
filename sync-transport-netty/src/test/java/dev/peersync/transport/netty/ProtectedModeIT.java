package dev.peersync.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.transport.netty.internal.Bodies;
import dev.peersync.transport.netty.internal.Frame;
import dev.peersync.transport.netty.internal.MessageType;
import dev.peersync.transport.netty.internal.RawPeer;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import dev.peersync.transport.netty.support.TransportFixture;
import dev.peersync.transport.netty.support.TransportFixture.Node;
import dev.peersync.testing.LogCapture;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protected mode: a transport without a cluster secret serves and dials peers on its own host only. The
 * "stranger" connects from this host's own non-loopback address, which the server sees as another host.
 */
class ProtectedModeIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final TransportFixture fixture = new TransportFixture();

    @Test
    void a_stranger_on_the_network_gets_a_reject_and_no_hello_nor_data() throws Exception {
        InetAddress lan = lanAddress();
        Node a = fixture.start(TransportFixture.settings().bindHost("0.0.0.0").build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(5, 1)));
        int callsBefore = a.service().calls();

        try (LogCapture log = LogCapture.start();
             RawPeer stranger = new RawPeer(new InetSocketAddress(lan, a.address().port()), true)) {
            // The first frame is the refusal: not the HELLO that would reveal cluster id and schema.
            Frame first = stranger.read();
            assertThat(first.type()).isEqualTo(MessageType.REJECT);
            Bodies.Reject reject = first.body(Bodies.Reject.class);
            assertThat(reject.reason()).isEqualTo(RejectReason.REMOTE_WITHOUT_SECRET);
            assertThat(reject.message()).contains("CLUSTER_SECRET");
            assertThat(stranger.readUntilClosed()).isNull();
            log.awaitLine("Refused P2P connection with /" + lan.getHostAddress(), WAIT);
        }
        assertThat(a.transport().stats().rejections(RejectReason.REMOTE_WITHOUT_SECRET)).isEqualTo(1);
        assertThat(a.service().calls()).isEqualTo(callsBefore);
        assertThat(a.transport().stats().handshakesCompleted()).isZero();
    }

    @Test
    void a_node_without_secret_does_not_dial_another_host() throws Exception {
        InetAddress lan = lanAddress();
        Node a = fixture.start(TransportFixture.settings().bindHost("0.0.0.0").build(), "a");
        Node b = fixture.start(TransportFixture.settings().build(), "b");

        PeerClient client = b.transport().client(new PeerAddress(lan.getHostAddress(), a.address().port()));

        assertThatThrownBy(() -> client.hello().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("REMOTE_WITHOUT_SECRET");
        assertThat(b.transport().stats().rejections(RejectReason.REMOTE_WITHOUT_SECRET)).isGreaterThanOrEqualTo(1);
        assertThat(a.service().calls()).isZero();
        assertThat(b.transport().stats().handshakesCompleted()).isZero();
    }

    @Test
    void loopback_peers_sync_without_any_secret() throws Exception {
        Node a = fixture.start(TransportFixture.settings().build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(3, 1)));
        Node b = fixture.start(TransportFixture.settings().build(), "b");

        assertThat(b.transport().client(a.address()).hello().get(10, TimeUnit.SECONDS))
                .isEqualTo(a.service().hello());
    }

    /** An IPv4 address of this host that is not loopback: connections from it do not count as local. */
    static InetAddress lanAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address;
                    }
                }
            }
        }
        throw new AssertionError("this test needs a non-loopback IPv4 address on this host; none is up");
    }
}
