package dev.peersync.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.discovery.internal.Announcement;
import dev.peersync.discovery.internal.AnnouncementCodec;
import dev.peersync.testing.Await;
import dev.peersync.testing.LogCapture;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Protected mode and DISCOVERY_INTERFACE: who is heard. The "other host" is this host's own non-loopback address:
 * datagrams from it do not come from loopback, nor from the loopback interface's subnet.
 */
class DiscoveryScopeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final LoopbackCluster cluster = new LoopbackCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void without_a_secret_an_announcement_from_another_host_is_dropped_even_on_all_interfaces() throws IOException {
        // A library user who binds the wildcard address with no secret still hears this host only.
        LoopbackCluster.Node receiver = cluster.add(LoopbackCluster.settings("receiver", 0, List.of(),
                Optional.empty()).toBuilder().bindHost("0.0.0.0").build());
        receiver.start();
        NodeId stranger = NodeId.random();

        try (LogCapture log = LogCapture.start()) {
            send(lanAddress(), receiver.discovery.port(), announcement(Optional.empty(), stranger));
            Await.until("the stranger's datagram dropped as out of scope", WAIT, receiver.discovery::stats,
                    s -> s.dropped(DropReason.OUT_OF_SCOPE) == 1);
            log.awaitLine("out_of_scope", WAIT);
        }
        assertThat(receiver.directory.get(stranger)).isEmpty();

        NodeId local = NodeId.random();
        send(InetAddress.getLoopbackAddress(), receiver.discovery.port(), announcement(Optional.empty(), local));
        Await.until("a loopback announcement still accepted", WAIT, () -> receiver.directory.get(local),
                Optional::isPresent);
        assertThat(receiver.directory.all()).extracting(PeerInfo::nodeId).containsExactly(local);
    }

    @Test
    void with_the_loopback_interface_a_signed_announcement_from_another_host_is_dropped() throws IOException {
        String secret = "Zr8kWq2nVx5tLp9bHc3mJf7dGs1aYe4u";
        LoopbackCluster.Node receiver = cluster.add(LoopbackCluster.settings("receiver", 0, List.of(),
                Optional.of(secret)).toBuilder().bindHost("0.0.0.0").networkInterface(Optional.of(loopbackName())).build());
        receiver.start();
        NodeId remote = NodeId.random();

        send(lanAddress(), receiver.discovery.port(), announcement(Optional.of(secret), remote));

        Await.until("the datagram dropped as out of scope", WAIT, receiver.discovery::stats,
                s -> s.dropped(DropReason.OUT_OF_SCOPE) == 1);
        assertThat(receiver.directory.all()).isEmpty();
    }

    private static byte[] announcement(Optional<String> secret, NodeId node) {
        ByteBuffer encoded = AnnouncementCodec.forSecret(secret, DiscoverySettings.DEFAULT_CLUSTER_ID).encode(new Announcement(DiscoverySettings.DEFAULT_CLUSTER_ID,
                node, 1, 1, System.currentTimeMillis(), "crafted", 9000, 9001, "x"));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    /** Sends from a socket bound to {@code from}, to {@code port} on the loopback address. */
    private static void send(InetAddress from, int port, byte[] datagram) throws IOException {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(from, 0));
            channel.send(ByteBuffer.wrap(datagram), new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }

    private static String loopbackName() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isLoopback()) {
                return nic.getName();
            }
        }
        throw new AssertionError("no loopback interface");
    }

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
