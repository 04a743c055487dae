package dev.peersync.discovery;

import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.core.peer.PeerState;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One node of {@link NetnsDiscoveryIT}, run in a network namespace: UDP discovery with the default bind address
 * and target ports, printing {@code PEERS id@host,...} (active peers, sorted) on every directory change, until
 * its standard input closes.
 *
 * <p>Arguments: node id, node name, discovery port, cluster secret.
 */
public final class NetnsNodeMain {
    private NetnsNodeMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: NetnsNodeMain <node id> <name> <discovery port> <secret>");
        }
        LocalNode local = new LocalNode(NodeId.parse(args[0]), args[1], 8000, 8001, "netns-test");
        DiscoverySettings settings = DiscoverySettings.builder(local)
                .port(Integer.parseInt(args[2]))
                .announceInterval(Duration.ofMillis(200))
                .secret(Optional.of(args[3])).build();
        PeerDirectory directory = new PeerDirectory(local.nodeId(), Duration.ofSeconds(3), Duration.ofSeconds(6),
                Clock.systemUTC());
        directory.addListener(change -> System.out.println("PEERS " + directory.all().stream()
                .filter(peer -> peer.state() == PeerState.ACTIVE)
                .map(NetnsNodeMain::describe)
                .collect(Collectors.joining(","))));
        try (UdpDiscovery discovery = new UdpDiscovery(settings)) {
            discovery.start(directory);
            System.out.println("READY " + discovery.port());
            InputStream in = System.in;
            while (in.read() != -1) {
                // the test closes stdin to stop this node
            }
            System.out.println("STATS " + discovery.stats());
        }
    }

    private static String describe(PeerInfo peer) {
        return peer.nodeId() + "@" + peer.host();
    }
}
