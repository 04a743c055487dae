package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.testing.FreePorts;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.RunningNodes;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresExtension;
import dev.peersync.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guide adds a manual peer that may not be up yet: it is kept as pending (202, listed in status with why it is
 * not connected), retried with backoff, and connected once the peer comes up; it survives a restart of the node that
 * keeps it, and an operator can remove it. A request that is wrong in itself is still refused.
 */
class PendingPeerIT {
    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    @RegisterExtension
    final RunningNodes nodes = new RunningNodes();

    @Test
    void a_peer_that_is_not_up_yet_is_kept_retried_and_connected_when_it_comes_up() {
        TestDatabase dbA = pg.newDatabase("pending_a");
        Node a = nodes.start("node-a", dbA, Map.of());
        Http httpA = new Http(a.apiPort());
        int apiPortB = FreePorts.tcp();
        int p2pPortB = FreePorts.tcp();

        // The guide's body, for a node that is not running yet.
        Http.Response added = httpA.post("/api/v1/p2p/peers", """
                {"peer_id": "node2-uuid", "host": "127.0.0.1", "port": %d, "p2p_port": %d,
                 "last_seen": "2025-01-01T12:00:00", "api_version": "1.0.1", "status": "active"}"""
                .formatted(apiPortB, p2pPortB));
        assertThat(added.status()).as(added.body()).isEqualTo(202);
        String pendingId = added.json().get("peer_id").asText();
        assertThat(added.json().get("status").asText()).isEqualTo("pending");
        assertThat(added.json().get("reason").asText()).contains(Integer.toString(p2pPortB));
        assertThat(added.header("Location")).isEqualTo("/api/v1/p2p/peers/" + pendingId);
        JsonNode pending = httpA.get("/api/v1/p2p/status").json().get("pending_peers");
        assertThat(pending).hasSize(1);
        assertThat(pending.get(0).get("id").asText()).isEqualTo(pendingId);
        assertThat(pending.get(0).get("last_error").asText()).isNotBlank();

        // Kept across a restart of node A.
        int apiPortA = a.apiPort();
        nodes.stop(a);
        a = nodes.start("node-a", dbA, Map.of("API_PORT", Integer.toString(apiPortA)));
        Http restarted = new Http(a.apiPort());
        assertThat(restarted.get("/api/v1/p2p/status").json().get("pending_peers").findValuesAsText("id"))
                .containsExactly(pendingId);

        Node b = nodes.start("node-b", pg.newDatabase("pending_b"), Map.of("API_PORT", Integer.toString(apiPortB),
                "P2P_PORT", Integer.toString(p2pPortB)));
        String idB = b.nodeId().toString();
        Await.until("node A to connect the pending peer once it is up", Duration.ofSeconds(60),
                () -> restarted.get("/api/v1/p2p/status").json(),
                status -> status.get("pending_peers").isEmpty()
                        && status.get("peers").findValuesAsText("peer_id").contains(idB));
    }

    @Test
    void a_pending_peer_can_be_removed_and_a_wrong_request_is_still_refused() {
        Node a = nodes.start("node-a", pg.newDatabase("pending_rm"), Map.of());
        Http http = new Http(a.apiPort());
        Http.Response added = http.post("/api/v1/p2p/peers",
                "{\"host\": \"127.0.0.1\", \"port\": " + FreePorts.tcp() + ", \"p2p_port\": " + FreePorts.tcp() + "}");
        assertThat(added.status()).as(added.body()).isEqualTo(202);
        String id = added.json().get("peer_id").asText();

        assertThat(http.delete("/api/v1/p2p/peers/" + id, Map.of()).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/p2p/status").json().get("pending_peers")).isEmpty();
        assertThat(http.delete("/api/v1/p2p/peers/" + id, Map.of()).status()).isEqualTo(404);

        Http.Response badPort = http.post("/api/v1/p2p/peers", "{\"host\": \"127.0.0.1\", \"port\": 70000}");
        assertThat(badPort.status()).isEqualTo(400);
        Http.Response self = http.post("/api/v1/p2p/peers", "{\"host\": \"127.0.0.1\", \"port\": " + a.apiPort() + "}");
        assertThat(self.status()).as("this node itself: wrong in itself, not pending").isEqualTo(400);
        assertThat(http.get("/api/v1/p2p/status").json().get("pending_peers")).isEmpty();
    }
}
