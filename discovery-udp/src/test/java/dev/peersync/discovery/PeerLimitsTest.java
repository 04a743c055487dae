package dev.peersync.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.discovery.internal.Announcement;
import dev.peersync.discovery.internal.AnnouncementCodec;
import dev.peersync.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery keeps a bounded number of discovered peers and forgets those silent past the peer TTL. */
class PeerLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final LoopbackCluster cluster = new LoopbackCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void new_ids_beyond_the_cap_are_dropped_and_silent_peers_are_forgotten_after_the_ttl() throws IOException {
        LoopbackCluster.Node receiver = cluster.add(LoopbackCluster.settings("receiver", 0, List.of(),
                Optional.empty()).toBuilder().freshnessWindow(Duration.ofMillis(500))
                .peerLimits(Duration.ofMillis(1500), 2).build());
        receiver.start();
        NodeId first = NodeId.random();
        NodeId second = NodeId.random();
        NodeId third = NodeId.random();

        send(receiver.discovery.port(), first);
        send(receiver.discovery.port(), second);
        Await.until("two peers known", WAIT, () -> receiver.directory.all().size(), n -> n == 2);
        send(receiver.discovery.port(), third);

        Await.until("the third id dropped", WAIT, receiver.discovery::stats,
                s -> s.dropped(DropReason.TOO_MANY_PEERS) == 1);
        assertThat(receiver.directory.all()).extracting(PeerInfo::nodeId).containsExactlyInAnyOrder(first, second);

        // Spoofed or departed ids do not stay: silent past the TTL, they are forgotten, and room is made.
        Await.until("the silent peers forgotten", WAIT, () -> receiver.directory.all().size(), n -> n == 0);
        send(receiver.discovery.port(), third);
        Await.until("the third id accepted now", WAIT, () -> receiver.directory.get(third), Optional::isPresent);
    }

    private static void send(int port, NodeId node) throws IOException {
        ByteBuffer datagram = new AnnouncementCodec(Optional.empty()).encode(new Announcement(
                DiscoverySettings.DEFAULT_CLUSTER_ID, node, 1, System.nanoTime(), System.currentTimeMillis(),
                "spoofed", 9000, 9001, "x"));
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.send(datagram, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }
}
