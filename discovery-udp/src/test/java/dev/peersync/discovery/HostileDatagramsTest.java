package dev.peersync.discovery;

import dev.peersync.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.discovery.internal.Announcement;
import dev.peersync.discovery.internal.AnnouncementCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A receiver with a cluster secret gets datagrams from a raw socket: one real node's captured announcements
 * (sent to a sniffer socket), then forgeries, replays and junk. Each is dropped and counted by reason, the
 * directory is unchanged, and a valid announcement is still accepted afterwards.
 */
class HostileDatagramsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "cluster-secret";

    private final LoopbackCluster cluster = new LoopbackCluster();
    private LoopbackCluster.Node receiver;
    private DatagramChannel attacker;
    private InetSocketAddress receiverAddress;

    @BeforeEach
    void start() throws IOException {
        receiver = cluster.add(LoopbackCluster.settings("receiver", 0, List.of(), Optional.of(SECRET)));
        receiver.start();
        receiverAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), receiver.discovery.port());
        attacker = DatagramChannel.open();
        attacker.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws IOException {
        cluster.close();
        attacker.close();
    }

    @Test
    void forged_replayed_truncated_oversized_wrong_version_and_garbage_datagrams_are_dropped_and_counted()
            throws IOException {
        Captured captured = captureTwoAnnouncementsOfARealNode();
        send(captured.second());
        PeerInfo known = Await.until("the receiver accepting the captured announcement", WAIT,
                () -> receiver.directory.get(captured.node()), Optional::isPresent).orElseThrow();

        send(captured.first());                                          // older sequence: a replay
        send(captured.second());                                         // the same again
        send(Arrays.copyOf(captured.second(), captured.second().length / 2));
        send(Arrays.copyOf(captured.second(), AnnouncementCodec.MAX_DATAGRAM + 100));
        send(withFirstByte(captured.second(), (byte) 1));                // format 1: HMAC keyed with the secret
        send(garbage());
        send(flipped(captured.second(), 60));                            // altered name, HMAC no longer matches
        send(encode(Optional.of("guessed-secret"), "peersync", NodeId.random(), System.currentTimeMillis()));
        send(keyedWithTheSecretItself(NodeId.random()));
        send(encode(Optional.empty(), "peersync", NodeId.random(), System.currentTimeMillis()));
        send(encode(Optional.of(SECRET), "peersync", NodeId.random(), System.currentTimeMillis() - 60_000));
        send(encode(Optional.of(SECRET), "other-cluster", NodeId.random(), System.currentTimeMillis()));

        DiscoveryStats stats = Await.until("every hostile datagram counted", WAIT, receiver.discovery::stats,
                s -> s.dropped(DropReason.STALE) == 1 && s.dropped(DropReason.OTHER_CLUSTER) == 1
                        && s.dropped(DropReason.BAD_HMAC) == 4 && s.dropped(DropReason.REPLAYED) == 1
                        && s.dropped(DropReason.DUPLICATE) == 1 && s.dropped(DropReason.TRUNCATED) == 1
                        && s.dropped(DropReason.OVERSIZED) == 1 && s.dropped(DropReason.BAD_VERSION) == 1
                        && s.dropped(DropReason.FOREIGN) == 1);
        assertThat(stats.dropped(DropReason.MALFORMED)).isZero();
        // Unchanged: no new peer, and no replay refreshed the known one (its state may age meanwhile).
        assertThat(receiver.directory.all()).extracting(PeerInfo::nodeId).containsExactly(captured.node());
        assertThat(receiver.directory.get(captured.node()).orElseThrow().lastSeen()).isEqualTo(known.lastSeen());

        NodeId newcomer = NodeId.random();
        send(encode(Optional.of(SECRET), "peersync", newcomer, System.currentTimeMillis()));
        Await.until("the receiver still accepting a valid announcement", WAIT,
                () -> receiver.directory.all().stream().map(PeerInfo::nodeId).toList(),
                ids -> ids.contains(newcomer) && ids.contains(captured.node()) && ids.size() == 2);
    }

    private record Captured(NodeId node, byte[] first, byte[] second) {
    }

    /** A real node announces to a sniffer socket only; the receiver never hears it directly. */
    private Captured captureTwoAnnouncementsOfARealNode() throws IOException {
        try (DatagramSocket sniffer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            sniffer.setSoTimeout((int) WAIT.toMillis()); // fails the test rather than hanging it
            int snifferPort = sniffer.getLocalPort();
            DiscoverySettings settings = LoopbackCluster.settings("real", 0, List.of(snifferPort), Optional.of(SECRET));
            try (UdpDiscovery real = new UdpDiscovery(settings)) {
                real.start(new LoopbackCluster.Node(settings).directory);
                byte[] first = receive(sniffer);
                byte[] second = receive(sniffer);
                return new Captured(settings.local().nodeId(), first, second);
            }
        }
    }

    private static byte[] receive(DatagramSocket sniffer) throws IOException {
        byte[] buffer = new byte[AnnouncementCodec.MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        sniffer.receive(packet); // the real node announces every 100 ms
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    /** Signed with the key scrypt derives from {@code secret} for the receiver's cluster, as a real node signs. */
    private static byte[] encode(Optional<String> secret, String cluster, NodeId node, long timestamp) {
        return encode(AnnouncementCodec.forSecret(secret, DiscoverySettings.DEFAULT_CLUSTER_ID), cluster, node,
                timestamp);
    }

    /** Right format, right secret, but the HMAC keyed with the secret directly (what format 1 did): refused. */
    private static byte[] keyedWithTheSecretItself(NodeId node) {
        return encode(new AnnouncementCodec(Optional.of(SECRET.getBytes(StandardCharsets.UTF_8))), "peersync", node,
                System.currentTimeMillis());
    }

    private static byte[] encode(AnnouncementCodec codec, String cluster, NodeId node, long timestamp) {
        ByteBuffer encoded = codec.encode(new Announcement(cluster, node, 1, 1, timestamp, "crafted", 9000, 9001, "x"));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    private static byte[] withFirstByte(byte[] datagram, byte value) {
        byte[] copy = datagram.clone();
        copy[0] = value;
        return copy;
    }

    private static byte[] flipped(byte[] datagram, int index) {
        byte[] copy = datagram.clone();
        copy[index] ^= 1;
        return copy;
    }

    private static byte[] garbage() {
        byte[] bytes = new byte[100];
        new Random(5).nextBytes(bytes);
        bytes[1] = 'X'; // not the magic, whatever the seed gives
        return bytes;
    }

    private void send(byte[] datagram) throws IOException {
        attacker.send(ByteBuffer.wrap(datagram), receiverAddress);
    }
}
