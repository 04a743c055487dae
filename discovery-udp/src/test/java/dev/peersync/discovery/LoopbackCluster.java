package dev.peersync.discovery;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerStateChange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test fixture: nodes on 127.0.0.1 with short timings, each a directory plus a discovery. */
final class LoopbackCluster implements AutoCloseable {
    static final Duration ANNOUNCE = Duration.ofMillis(100);
    static final Duration SUSPECT_AFTER = Duration.ofMillis(600);
    static final Duration GONE_AFTER = Duration.ofMillis(1500);

    /** One node: its directory survives restarts of its discovery. */
    static final class Node {
        final DiscoverySettings settings;
        final PeerDirectory directory;
        final List<PeerStateChange> changes = new CopyOnWriteArrayList<>();
        UdpDiscovery discovery;

        Node(DiscoverySettings settings) {
            this.settings = settings;
            this.directory = new PeerDirectory(settings.local().nodeId(), SUSPECT_AFTER, GONE_AFTER, Clock.systemUTC());
            directory.addListener(changes::add);
        }

        NodeId id() {
            return settings.local().nodeId();
        }

        void start() {
            discovery = new UdpDiscovery(settings);
            discovery.start(directory);
        }

        void stop() {
            discovery.close();
        }
    }

    private final List<Node> nodes = new ArrayList<>();

    static DiscoverySettings settings(String name, int port, List<Integer> targets, Optional<String> secret) {
        LocalNode local = new LocalNode(NodeId.random(), name, 8000, 8001, "test");
        return DiscoverySettings.builder(local).bindHost("127.0.0.1").port(port).targetPorts(targets)
                .announceInterval(ANNOUNCE).freshnessWindow(Duration.ofSeconds(10)).secret(secret).build();
    }

    Node add(DiscoverySettings settings) {
        Node node = new Node(settings);
        nodes.add(node);
        return node;
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            if (node.discovery != null) {
                node.discovery.close();
            }
        }
    }
}
