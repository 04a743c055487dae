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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An empty node joining a peer by snapshot says how far it is: {@code /ready} answers 503 naming the join,
 * {@code /api/v1/p2p/status} has a {@code join} object with rows loaded against the peer's rows, and the WebSocket
 * sends {@code join_progress} events, the last one {@code done}. Afterwards it is ready again.
 */
class JoinProgressIT {
    private static final int ROWS = 120_000;

    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    @RegisterExtension
    final RunningNodes nodes = new RunningNodes();

    @Test
    void a_joining_node_reports_its_progress_and_is_not_ready_until_the_join_ends() throws Exception {
        TestDatabase dbA = pg.newDatabase("join_a");
        Node a = nodes.start("node-a", dbA, Map.of());
        TestNodes.insertCategories(dbA, ROWS);
        Node b = nodes.start("node-b", pg.newDatabase("join_b"), Map.of());
        Http httpB = new Http(b.apiPort());
        assertThat(httpB.get("/ready").status()).as("an idle node is ready").isEqualTo(200);
        assertThat(httpB.get("/api/v1/p2p/status").json().get("join").isNull()).isTrue();

        try (WsClient events = new WsClient(httpB.client(),
                URI.create("ws://127.0.0.1:" + b.apiPort() + NodeHttp.WS_PATH))) {
            events.awaitMessages(1); // the connection's first status message: events flow from here on
            Http.Response added = httpB.post("/api/v1/p2p/peers",
                    "{\"host\": \"127.0.0.1\", \"port\": " + a.apiPort() + "}");
            assertThat(added.status()).as(added.body()).isEqualTo(201);

            // While the join runs: /ready is 503 naming it, and status shows its progress.
            JsonNode join = Await.until("the join's progress in node B's status", Duration.ofSeconds(60), () -> {
                Http.Response ready = httpB.get("/ready");
                JsonNode status = httpB.get("/api/v1/p2p/status").json().get("join");
                return status.isNull() || ready.status() != 503 ? Optional.<JsonNode>empty()
                        : Optional.of(status).filter(s -> ready.json().get("detail").asText().startsWith("joining"));
            }, Optional::isPresent).orElseThrow();
            assertThat(join.get("peer").asText()).isEqualTo(a.nodeId().toString());
            assertThat(join.get("rows_total").asLong()).isEqualTo(ROWS);
            assertThat(join.get("rows_loaded").asLong()).isBetween(0L, (long) ROWS);
            assertThat(join.get("tables")).anySatisfy(t -> {
                assertThat(t.get("table").asText()).isEqualTo("categories");
                assertThat(t.get("rows_total").asLong()).isEqualTo(ROWS);
            });

            JsonNode last = Await.until("a join_progress event that says done", Duration.ofSeconds(120),
                    () -> events.syncEvents("join_progress").stream().filter(e -> e.get("done").asBoolean()).findFirst(),
                    Optional::isPresent).orElseThrow();
            assertThat(last.get("rows_loaded").asLong()).isEqualTo(ROWS);
            assertThat(last.get("percent").asDouble()).isEqualTo(100.0);
        }
        Await.until("node B ready again after the join", Duration.ofSeconds(30), () -> httpB.get("/ready").status(),
                status -> status == 200);
        assertThat(httpB.get("/api/v1/p2p/status").json().get("join").isNull()).isTrue();
    }
}
