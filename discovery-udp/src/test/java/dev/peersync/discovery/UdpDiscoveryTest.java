package dev.peersync.discovery;

import dev.peersync.testing.Await;
import dev.peersync.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.core.peer.PeerState;
import dev.peersync.core.peer.PeerStateChange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class UdpDiscoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void three_nodes_on_one_host_find_each_other_age_a_stopped_one_to_gone_and_see_it_return() {
        List<Integer> ports = List.of(FreePorts.udp(), FreePorts.udp(), FreePorts.udp());
        try (LoopbackCluster cluster = new LoopbackCluster()) {
            Optional<String> secret = Optional.of("cluster-secret");
            LoopbackCluster.Node a = cluster.add(LoopbackCluster.settings("a", ports.get(0), ports, secret));
            LoopbackCluster.Node b = cluster.add(LoopbackCluster.settings("b", ports.get(1), ports, secret));
            LoopbackCluster.Node c = cluster.add(LoopbackCluster.settings("c", ports.get(2), ports, secret));
            List<LoopbackCluster.Node> all = List.of(a, b, c);
            all.forEach(LoopbackCluster.Node::start);

            for (LoopbackCluster.Node node : all) {
                List<NodeId> others = all.stream().filter(n -> n != node).map(LoopbackCluster.Node::id).toList();
                awaitStates(node, Map.of(others.get(0), PeerState.ACTIVE, others.get(1), PeerState.ACTIVE));
                assertThat(node.directory.get(node.id())).as("a node never lists itself").isEmpty();
            }
            PeerInfo cSeenByA = a.directory.get(c.id()).orElseThrow();
            assertThat(cSeenByA.name()).isEqualTo("c");
            assertThat(cSeenByA.host()).isEqualTo("127.0.0.1");
            assertThat(cSeenByA.apiPort()).isEqualTo(8000);
            assertThat(cSeenByA.p2pPort()).isEqualTo(8001);
            assertThat(cSeenByA.softwareVersion()).isEqualTo("test");

            c.stop();
            for (LoopbackCluster.Node survivor : List.of(a, b)) {
                awaitStates(survivor, Map.of(c.id(), PeerState.GONE, other(survivor, a, b), PeerState.ACTIVE));
                assertThat(transitionsOf(survivor, c.id()))
                        .as("%s saw c go active -> suspect -> gone", survivor.settings.local().name())
                        .containsSubsequence(PeerState.ACTIVE, PeerState.SUSPECT, PeerState.GONE);
            }

            c.start();
            awaitStates(a, Map.of(b.id(), PeerState.ACTIVE, c.id(), PeerState.ACTIVE));
            awaitStates(b, Map.of(a.id(), PeerState.ACTIVE, c.id(), PeerState.ACTIVE));
            awaitStates(c, Map.of(a.id(), PeerState.ACTIVE, b.id(), PeerState.ACTIVE));
            assertThat(transitionsOf(a, c.id())).endsWith(PeerState.GONE, PeerState.ACTIVE);
            for (LoopbackCluster.Node node : all) {
                assertThat(node.directory.all()).extracting(PeerInfo::nodeId).doesNotContain(node.id());
                assertThat(node.discovery.stats().dropped(DropReason.SELF)).isPositive();
                assertThat(node.discovery.stats().dropped(DropReason.BAD_HMAC)).isZero();
            }
        }
    }

    @Test
    void refresh_announces_at_once() {
        List<Integer> ports = List.of(FreePorts.udp(), FreePorts.udp());
        try (LoopbackCluster cluster = new LoopbackCluster()) {
            LoopbackCluster.Node listener = cluster.add(
                    LoopbackCluster.settings("listener", ports.get(0), List.of(), Optional.empty()));
            // Announces once at start, then only every hour, so the second sighting can only come from refresh().
            LoopbackCluster.Node speaker = cluster.add(LoopbackCluster.settings("speaker", ports.get(1), ports,
                    Optional.empty()).toBuilder().freshnessWindow(Duration.ofHours(2))
                    .announceInterval(Duration.ofHours(1)).build());
            listener.start();
            speaker.start();
            Await.until("the listener accepting the first announcement", WAIT,
                    () -> listener.discovery.stats().accepted(), accepted -> accepted == 1);

            speaker.discovery.refresh();

            Await.until("the listener accepting the refreshed announcement", WAIT,
                    () -> listener.discovery.stats().accepted(), accepted -> accepted == 2);
        }
    }

    @Test
    void disabled_discovery_neither_binds_nor_announces() throws Exception {
        int port = FreePorts.udp();
        try (LoopbackCluster cluster = new LoopbackCluster()) {
            LoopbackCluster.Node node = cluster.add(
                    LoopbackCluster.settings("off", port, List.of(port), Optional.empty()).toBuilder().enabled(false).build());
            node.start();

            assertThatThrownBy(node.discovery::port).isInstanceOf(IllegalStateException.class);
            node.discovery.refresh();
            assertThat(node.discovery.stats().sent()).isZero();
            try (DatagramChannel sameport = DatagramChannel.open()) {
                sameport.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    @Test
    void taken_port_fails_start_with_a_message_naming_discovery_port() throws Exception {
        try (DatagramChannel holder = DatagramChannel.open();
             LoopbackCluster cluster = new LoopbackCluster()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) holder.getLocalAddress()).getPort();
            LoopbackCluster.Node node = cluster.add(
                    LoopbackCluster.settings("second", port, List.of(), Optional.empty()));

            assertThatThrownBy(node::start)
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("DISCOVERY_PORT=" + port)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void port_zero_binds_a_free_port_and_reads_it_back() {
        try (LoopbackCluster cluster = new LoopbackCluster()) {
            LoopbackCluster.Node node = cluster.add(LoopbackCluster.settings("zero", 0, List.of(), Optional.empty()));
            node.start();

            assertThat(node.discovery.port()).isPositive();
            Await.until("its own announcement dropped as self", WAIT,
                    () -> node.discovery.stats().dropped(DropReason.SELF), self -> self > 0);
            assertThat(node.directory.all()).isEmpty();
        }
    }

    @Test
    void start_twice_or_after_close_is_refused() {
        try (LoopbackCluster cluster = new LoopbackCluster()) {
            LoopbackCluster.Node node = cluster.add(LoopbackCluster.settings("once", 0, List.of(), Optional.empty()));
            node.start();

            assertThatThrownBy(() -> node.discovery.start(node.directory)).hasMessageContaining("already started");
            node.stop();
            assertThatThrownBy(() -> node.discovery.start(node.directory)).hasMessageContaining("closed");
        }
    }

    private static NodeId other(LoopbackCluster.Node self, LoopbackCluster.Node a, LoopbackCluster.Node b) {
        return self == a ? b.id() : a.id();
    }

    private static List<PeerState> transitionsOf(LoopbackCluster.Node node, NodeId peer) {
        return node.changes.stream().filter(change -> change.peer().nodeId().equals(peer))
                .map(PeerStateChange::current).toList();
    }

    private static void awaitStates(LoopbackCluster.Node node, Map<NodeId, PeerState> expected) {
        Await.until(node.settings.local().name() + " seeing " + expected, WAIT,
                () -> node.directory.all().stream().collect(Collectors.toMap(PeerInfo::nodeId, PeerInfo::state)),
                seen -> seen.equals(expected) && listenersCaughtUp(node, expected));
    }

    /** The directory changes state before it calls its listeners: wait for them too. */
    private static boolean listenersCaughtUp(LoopbackCluster.Node node, Map<NodeId, PeerState> expected) {
        return expected.entrySet().stream().allMatch(e -> {
            List<PeerState> seen = transitionsOf(node, e.getKey());
            return !seen.isEmpty() && seen.get(seen.size() - 1) == e.getValue();
        });
    }
}
