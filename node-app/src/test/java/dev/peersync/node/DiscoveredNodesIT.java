package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.testing.FreePorts;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.RunningNodes;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two in-process nodes with automatic discovery on (UDP broadcast to each other's discovery ports, as the
 * guide's local nodes do) and no manual peer: they find each other and sync.
 */
class DiscoveredNodesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    @RegisterExtension
    final RunningNodes nodes = new RunningNodes();

    @Test
    void nodes_find_each_other_by_discovery_and_sync() {
        int discoveryA = FreePorts.udp();
        int discoveryB = FreePorts.udp();
        String ports = discoveryA + "," + discoveryB;
        Node a = nodes.start("disc-a", pg.newDatabase("disc_a"), Map.of("ENABLE_AUTO_DISCOVERY", "true",
                "DISCOVERY_PORT", Integer.toString(discoveryA), "DISCOVERY_PEER_PORTS", ports));
        Node b = nodes.start("disc-b", pg.newDatabase("disc_b"), Map.of("ENABLE_AUTO_DISCOVERY", "true",
                "DISCOVERY_PORT", Integer.toString(discoveryB), "DISCOVERY_PEER_PORTS", ports));
        Http httpA = new Http(a.apiPort());
        Http httpB = new Http(b.apiPort());

        Await.until("A and B discovered each other", WAIT,
                () -> List.of(httpA.get("/api/v1/p2p/status").json().get("peers").findValuesAsText("peer_id"),
                        httpB.get("/api/v1/p2p/status").json().get("peers").findValuesAsText("peer_id")),
                seen -> seen.get(0).contains(b.nodeId().toString()) && seen.get(1).contains(a.nodeId().toString()));

        Http.Response registered = httpB.post("/api/v1/auth/register",
                "{\"username\": \"discovered\", \"email\": \"discovered@example.com\", \"password\": \"password123\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        Await.until("user on A", WAIT, () -> httpA.get("/api/v1/users?limit=100").body(),
                body -> body.contains("\"discovered\""));
    }
}
