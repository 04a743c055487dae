package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.node.http.NodeHttp;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.RunningNodes;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.node.testing.WsClient;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresExtension;
import dev.peersync.testing.TestDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that is not empty catches up with a peer through its feed (no snapshot): a round of many batches reports
 * its progress against the peer's estimate of the rows still waiting (WebSocket {@code catch_up_progress}, the last
 * one done), and afterwards the peer's {@code lag_rows} in status is 0.
 */
class CatchUpProgressIT {
    private static final int ROWS = 60_000;

    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    @RegisterExtension
    final RunningNodes nodes = new RunningNodes();

    @Test
    void a_long_catch_up_reports_rows_applied_against_the_peers_estimate() throws Exception {
        TestDatabase dbA = pg.newDatabase("catchup_a");
        Node a = nodes.start("node-a", dbA, Map.of());
        TestNodes.insertCategories(dbA, ROWS);
        Node b = nodes.start("node-b", pg.newDatabase("catchup_b"), Map.of());
        Http httpB = new Http(b.apiPort());
        // B holds a row of its own: it catches up through A's feed instead of joining by snapshot.
        assertThat(httpB.post("/api/v1/auth/register", "{\"username\": \"local\", \"email\": \"l@example.com\","
                + " \"password\": \"password123\"}").status()).isEqualTo(201);

        try (WsClient events = new WsClient(httpB.client(),
                URI.create("ws://127.0.0.1:" + b.apiPort() + NodeHttp.WS_PATH))) {
            events.awaitMessages(1);
            assertThat(httpB.post("/api/v1/p2p/peers", "{\"host\": \"127.0.0.1\", \"port\": " + a.apiPort() + "}")
                    .status()).isEqualTo(201);

            List<JsonNode> progress = Await.until("a catch_up_progress event that says done", Duration.ofSeconds(120),
                    () -> events.syncEvents("catch_up_progress"), list -> list.stream().anyMatch(e -> e.get("done").asBoolean()));
            JsonNode running = progress.get(0);
            assertThat(running.get("done").asBoolean()).as("reported while running first").isFalse();
            assertThat(running.get("peer").asText()).isEqualTo(a.nodeId().toString());
            assertThat(running.get("rows_total").asLong()).as("applied + the peer's estimate of the rest")
                    .isBetween((long) ROWS, (long) ROWS + 100);
            assertThat(running.get("rows_loaded").asLong()).isBetween(1L, (long) ROWS);
            JsonNode done = progress.stream().filter(e -> e.get("done").asBoolean()).findFirst().orElseThrow();
            assertThat(done.get("rows_loaded").asLong()).isGreaterThanOrEqualTo(ROWS);
        }
        Await.until("A's lag in rows at 0 in B's status", Duration.ofSeconds(30),
                () -> httpB.get("/api/v1/p2p/status").json().get("peers").get(0).get("lag_rows"),
                lag -> lag.isNumber() && lag.asLong() == 0);
    }
}
