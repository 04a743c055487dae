package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.node.http.NodeHttp;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.WsClient;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresExtension;
import dev.peersync.testing.TestDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two in-process nodes, each on its own database, discovery off: one is told about the other through
 * {@code POST /api/v1/p2p/peers} (API port only; the P2P port is learnt from the peer's status), and a user
 * registered on one appears on the other. The manual peer survives a restart of the node that stored it, and
 * a deleted one does not come back.
 */
class TwoNodesSyncIT {
    private static final Duration SYNC_WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        for (Node node : nodes) {
            node.close();
        }
    }

    private Node start(Map<String, String> env) {
        Node node = TestNodes.start(env);
        nodes.add(node);
        return node;
    }

    private static List<String> usernames(Http http) {
        List<String> names = new ArrayList<>();
        http.get("/api/v1/users?limit=100").json().get("items").forEach(u -> names.add(u.get("username").asText()));
        return names;
    }

    @Test
    void a_user_registered_on_one_node_appears_on_the_other_and_the_manual_peer_survives_a_restart() {
        TestDatabase dbA = pg.newDatabase("node_a");
        TestDatabase dbB = pg.newDatabase("node_b");
        Map<String, String> envA = TestNodes.environment("node-a", dbA, Map.of());
        Map<String, String> envB = TestNodes.environment("node-b", dbB, Map.of());
        Node a = start(envA);
        Node b = start(envB);
        Http httpA = new Http(a.apiPort());
        Http httpB = new Http(b.apiPort());

        Http.Response added = httpA.post("/api/v1/p2p/peers", """
                {"peer_id": "node2-uuid", "host": "127.0.0.1", "port": %d,
                 "last_seen": "2025-01-01T12:00:00", "api_version": "1.0.1", "status": "active"}"""
                .formatted(b.apiPort()));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().get("peer_id").asText()).isEqualTo(b.nodeId().toString());
        assertThat(added.header("Location")).isEqualTo("/api/v1/p2p/peers/" + b.nodeId());
        Http.Response wrongMethod = httpA.put("/api/v1/p2p/peers", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).contains("POST").doesNotContain("PUT");
        assertThat(wrongMethod.header("Content-Type")).startsWith("application/problem+json");

        WsClient events = new WsClient(httpB.client(),
                URI.create("ws://127.0.0.1:" + b.apiPort() + NodeHttp.WS_PATH));
        events.awaitMessages(1);
        Http.Response registered = httpA.post("/api/v1/auth/register",
                "{\"username\": \"testuser\", \"email\": \"test@example.com\", \"password\": \"password123\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);

        Await.until("testuser on node B", SYNC_WAIT, () -> usernames(httpB), names -> names.contains("testuser"));
        Await.until("table_synced for users on B's WebSocket", SYNC_WAIT, events::messages,
                messages -> messages.stream().anyMatch(m -> m.contains("\"type\":\"table_synced\"")
                        && m.contains("\"table\":\"users\"")));
        events.close();
        String metrics = httpB.get("/metrics").body();
        assertThat(metrics).contains("peersync_rows_applied_total{peer=\"" + a.nodeId() + "\",table=\"users\"} 1.0");
        assertThat(metrics).containsPattern("peersync_p2p_bytes_total\\{direction=\"in\"\\} [1-9]");
        Await.until("equal users tables", SYNC_WAIT,
                () -> List.of(httpA.get("/api/v1/p2p/table-info/users").json().get("hash").asText(),
                        httpB.get("/api/v1/p2p/table-info/users").json().get("hash").asText()),
                hashes -> hashes.get(0).equals(hashes.get(1)));

        // B learnt about A from A's connection: they see each other, and a user registered on B flows back.
        Await.until("node A among B's peers", SYNC_WAIT, () -> httpB.get("/api/v1/p2p/status").json().get("peers"),
                peers -> peers.findValuesAsText("peer_id").contains(a.nodeId().toString()));
        Http.Response second = httpB.post("/api/v1/auth/register",
                "{\"username\": \"fromb\", \"email\": \"fromb@example.com\", \"password\": \"password123\"}");
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        Await.until("fromb on node A", SYNC_WAIT, () -> usernames(httpA), names -> names.contains("fromb"));

        nodes.remove(a);
        a.close();
        Node restarted = start(envA);
        JsonNode peers = new Http(restarted.apiPort()).get("/api/v1/p2p/status").json().get("peers");
        assertThat(peers).extracting(p -> p.get("peer_id").asText()).contains(b.nodeId().toString());
        assertThat(peers).filteredOn(p -> p.get("peer_id").asText().equals(b.nodeId().toString()))
                .extracting(p -> p.get("origin").asText()).containsExactly("manual");

        // With B stopped (so it cannot come back as an inbound peer), deleting it is permanent.
        nodes.remove(b);
        b.close();
        Http.Response deleted = new Http(restarted.apiPort()).delete("/api/v1/p2p/peers/" + b.nodeId(), Map.of());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        nodes.remove(restarted);
        restarted.close();
        Node again = start(envA);
        assertThat(new Http(again.apiPort()).get("/api/v1/p2p/status").json().get("peers")
                .findValuesAsText("peer_id")).doesNotContain(b.nodeId().toString());
    }
}
