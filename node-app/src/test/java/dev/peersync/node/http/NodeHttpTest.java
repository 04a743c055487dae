package dev.peersync.node.http;

import dev.peersync.review.ApiException;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.node.testing.WsClient;
import dev.peersync.node.ws.EventHub;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeHttpTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private PrometheusMeterRegistry registry;
    private EventHub hub;
    private NodeHttp http;

    @BeforeEach
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        hub = new EventHub(mapper, () -> Map.of("node_name", "t1"), 64, 10, Clock.systemUTC());
        http = NodeHttp.start("127.0.0.1", 0, mapper, registry, hub, () -> { },
                new NodeAccess(new dev.peersync.node.p2p.AdminGuard(java.util.Optional.empty()), List.of()),
                List.of(config -> {
            config.routes.get("/boom", ctx -> {
                throw ApiException.invalidField("limit", "must be positive");
            });
        }));
    }

    @AfterEach
    void stop() {
        http.close();
        hub.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void websocket_sends_status_on_connect_answers_ping_and_forwards_events() throws Exception {
        try (WsClient ws = new WsClient(client, URI.create("ws://127.0.0.1:" + http.port() + NodeHttp.WS_PATH))) {
            assertThat(mapper.readTree(ws.awaitMessages(1).get(0)).get("type").asText()).isEqualTo("status");

            ws.send("{\"type\":\"ping\"}");
            assertThat(mapper.readTree(ws.awaitMessages(2).get(1)).get("type").asText()).isEqualTo("pong");

            hub.onEvent(new SyncEvent.TableSynced(Instant.now(), NodeId.random(), "users", 10));
            var event = mapper.readTree(ws.awaitMessages(3).get(2));
            assertThat(event.get("type").asText()).isEqualTo("sync_event");
            assertThat(event.get("data").get("table").asText()).isEqualTo("users");
        }
    }

    @Test
    void a_websocket_client_that_stops_reading_is_dropped_and_never_blocks_the_sender() throws Exception {
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        java.net.http.WebSocket stalled = client.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + http.port() + NodeHttp.WS_PATH),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws,
                                                                                  CharSequence data, boolean last) {
                                first.countDown();
                                return null; // never request more: this client stops reading after one message
                            }
                        }).join();
        assertThat(first.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String reason = "x".repeat(8192);
        NodeId peer = NodeId.random();

        // Enough to fill the socket buffers on both sides and then the client's queue of 64 messages.
        for (int i = 0; i < 20_000 && hub.clientCount() > 0; i++) {
            hub.onEvent(new SyncEvent.RowParked(Instant.now(), peer, "reviews", "[\"" + i + "\"]", reason));
        }

        dev.peersync.testing.Await.until("stalled client dropped", java.time.Duration.ofSeconds(30),
                hub::clientCount, count -> count == 0);
        stalled.abort();
    }

    @Test
    void metrics_are_served_in_prometheus_format_with_request_timings() throws Exception {
        get("/boom");

        HttpResponse<String> metrics = get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(metrics.body()).contains("http_server_requests_seconds_count{method=\"GET\",route=\"/boom\","
                + "status=\"400\"} 1");
    }

    @Test
    void api_exceptions_answer_rfc_9457_problem_details() throws Exception {
        HttpResponse<String> response = get("/boom");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        var problem = mapper.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:peersync:problem:validation-failed");
        assertThat(problem.get("title").asText()).isEqualTo("Bad Request");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asText()).isEqualTo("limit must be positive");
        assertThat(problem.get("instance").asText()).isEqualTo("/boom");
        assertThat(problem.get("code").asText()).isEqualTo("validation_failed");
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("limit");
        assertThat(problem.get("errors").get(0).get("message").asText()).isEqualTo("limit must be positive");
        // The older shape, kept for clients written against it.
        assertThat(problem.get("error").get("message").asText()).isEqualTo("limit must be positive");
    }
}
