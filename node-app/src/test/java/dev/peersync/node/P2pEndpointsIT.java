package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.node.http.NodeHttp;
import dev.peersync.node.p2p.ClusterSignature;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.node.testing.WsClient;
import dev.peersync.testing.PostgresExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every /api/v1/p2p endpoint of one running node over real HTTP, bad input included (4xx, nothing changed). */
class P2pEndpointsIT {
    private static final String ADMIN_TOKEN = "admin-token-for-tests-Q3v9Lx7P";
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_TOKEN);

    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    private static Node node;
    private static Http http;

    @BeforeAll
    static void start() {
        node = TestNodes.start("endpoints", pg.database(), Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "SYNC_INTERVAL", "30"));
        http = new Http(node.apiPort());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static void registerUser(String username) {
        Http.Response response = http.post("/api/v1/auth/register", """
                {"username": "%s", "email": "%s@example.com", "password": "password123"}""".formatted(username,
                username));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    @Test
    void status_reports_identity_ports_auth_mode_peers_tables_and_counters() {
        JsonNode status = http.get("/api/v1/p2p/status").json();

        assertThat(status.get("node_id").asText()).isEqualTo(node.nodeId().toString());
        assertThat(status.get("node_name").asText()).isEqualTo("endpoints");
        assertThat(status.get("auth_mode").asText()).isEqualTo("hmac");
        assertThat(status.get("ports").get("api").asInt()).isEqualTo(node.apiPort());
        assertThat(status.get("ports").get("p2p").asInt()).isEqualTo(node.config().p2pPort());
        assertThat(status.get("uptime_seconds").asLong()).isNotNegative();
        assertThat(status.get("peers").isArray()).isTrue();
        assertThat(status.get("tables")).extracting(t -> t.get("table").asText())
                .containsExactlyInAnyOrder("users", "categories", "products", "reviews", "product_images",
                        "review_media", "activity_logs");
        assertThat(status.get("counters").has("conflicts")).isTrue();
        assertThat(status.get("config").get("sync_interval").asInt()).isEqualTo(30);
    }

    @Test
    void unknown_tables_are_404_whatever_the_name_contains() {
        for (String table : List.of("nope", "pg_class", "users%3Bdrop%20table%20users", "node_app.manual_peers")) {
            assertThat(http.get("/api/v1/p2p/table-info/" + table).status()).as(table).isEqualTo(404);
            assertThat(http.get("/api/v1/p2p/table-data/" + table).status()).as(table).isEqualTo(404);
            Http.Response sync = http.post("/api/v1/p2p/sync-table/" + table, "{}");
            assertThat(sync.status()).as(table).isEqualTo(404);
            assertThat(sync.errorCode()).isEqualTo("not_found");
        }
    }

    @Test
    void table_info_hash_changes_when_a_row_is_written() {
        JsonNode before = http.get("/api/v1/p2p/table-info/users").json();

        registerUser("hashuser");

        JsonNode after = http.get("/api/v1/p2p/table-info/users").json();
        assertThat(after.get("hash").asText()).isNotEqualTo(before.get("hash").asText());
        assertThat(after.get("row_count").asLong()).isEqualTo(before.get("row_count").asLong() + 1);
        assertThat(after.get("latest_version_time").asText()).isNotBlank();
    }

    @Test
    void table_data_pages_through_rows_with_after_and_limit() {
        registerUser("pager1");
        registerUser("pager2");
        registerUser("pager3");
        long total = http.get("/api/v1/p2p/table-info/users").json().get("row_count").asLong();

        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            String query = "?limit=2" + (after == null ? "" : "&after="
                    + java.net.URLEncoder.encode(after, StandardCharsets.UTF_8));
            JsonNode page = http.get("/api/v1/p2p/table-data/users" + query, signed("/api/v1/p2p/table-data/users",
                    query.substring(1))).json();
            assertThat(page.get("count").asInt()).isLessThanOrEqualTo(2);
            page.get("rows").forEach(row -> seen.add(row.get("data").get("username").asText()));
            after = page.get("next_after").isNull() ? null : page.get("next_after").asText();
        } while (after != null);

        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates().contains("pager1", "pager2", "pager3");
    }

    /** Headers proving the cluster secret for a GET of {@code path?query}. */
    private static Map<String, String> signed(String path, String query) {
        return signedAs(TestNodes.CLUSTER_SECRET, "GET", path, query, "");
    }

    private static Map<String, String> signedAs(String secret, String method, String path, String query, String body) {
        return ClusterSignature.headers(secret, new ClusterSignature.Request(method, path, query,
                body.getBytes(StandardCharsets.UTF_8)), System.currentTimeMillis());
    }

    @Test
    void table_data_needs_the_cluster_signature_or_the_admin_token() {
        String path = "/api/v1/p2p/table-data/users";

        assertThat(http.get(path + "?limit=1").status()).isEqualTo(401);
        assertThat(http.get(path + "?limit=2", signed(path, "limit=1")).status()).isEqualTo(401);
        assertThat(http.get(path + "?limit=1", signedAs("wrong-secret-Zr8kWq2nVx5tLp9bHc3mJf7d", "GET", path,
                "limit=1", "")).status()).isEqualTo(401);
        Map<String, String> once = signed(path, "limit=1");
        assertThat(http.get(path + "?limit=1", once).status()).isEqualTo(200);
        Http.Response replayed = http.get(path + "?limit=1", once);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.body()).contains("already used");
        assertThat(http.get(path + "?limit=1", ADMIN).status()).isEqualTo(200);
    }

    @Test
    void table_data_refuses_bad_paging_parameters() {
        assertThat(http.get("/api/v1/p2p/table-data/users?limit=0", ADMIN).status()).isEqualTo(400);
        assertThat(http.get("/api/v1/p2p/table-data/users?limit=abc", ADMIN).status()).isEqualTo(400);
        assertThat(http.get("/api/v1/p2p/table-data/users?after=notjson", ADMIN).status()).isEqualTo(400);
    }

    @Test
    void sync_table_needs_the_cluster_signature_and_applies_signed_rows() {
        UUID id = UUID.randomUUID();
        String peer = UUID.randomUUID().toString();
        long hlc = (System.currentTimeMillis() << 16) + 1;
        String body = """
                {"peer_id": "%s", "rows": [{"pk": ["%s"], "hlc": %d, "origin": "%s", "data": {"id": "%s",
                 "name": "synced-category", "description": null, "parent_id": null, "created_at": "2026-01-01T00:00:00Z",
                 "updated_at": "2026-01-01T00:00:00Z"}}]}""".formatted(peer, id, hlc, peer, id);
        String categoriesBefore = http.get("/api/v1/p2p/table-info/categories").json().get("hash").asText();

        Http.Response unsigned = http.post("/api/v1/p2p/sync-table/categories", body);
        Http.Response forged = http.post("/api/v1/p2p/sync-table/categories", body,
                signedAs("wrong-secret-Zr8kWq2nVx5tLp9bHc3mJf7d", "POST", "/api/v1/p2p/sync-table/categories", "",
                        body));
        Http.Response otherTable = http.post("/api/v1/p2p/sync-table/categories", body,
                signedAs(TestNodes.CLUSTER_SECRET, "POST", "/api/v1/p2p/sync-table/products", "", body));

        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(forged.status()).isEqualTo(401);
        assertThat(otherTable.status()).isEqualTo(401);
        assertThat(http.get("/api/v1/p2p/table-info/categories").json().get("hash").asText())
                .isEqualTo(categoriesBefore);

        Map<String, String> once = signedAs(TestNodes.CLUSTER_SECRET, "POST", "/api/v1/p2p/sync-table/categories", "",
                body);
        Http.Response signed = http.post("/api/v1/p2p/sync-table/categories", body, once);

        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.json().get("applied").asInt() + signed.json().get("parked").asInt()).isEqualTo(1);
        String categoriesAfter = http.get("/api/v1/p2p/table-info/categories").json().get("hash").asText();
        Http.Response replayed = http.post("/api/v1/p2p/sync-table/categories", body, once);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.errorCode()).isEqualTo("unauthorized");
        assertThat(http.get("/api/v1/p2p/table-info/categories").json().get("hash").asText())
                .isEqualTo(categoriesAfter);
    }

    @Test
    void sync_table_refuses_malformed_rows_naming_the_field() {
        String body = "{\"peer_id\": \"" + UUID.randomUUID() + "\", \"rows\": [{\"pk\": [\"x\"], \"hlc\": \"soon\"}]}";

        Http.Response response = http.post("/api/v1/p2p/sync-table/users", body,
                signedAs(TestNodes.CLUSTER_SECRET, "POST", "/api/v1/p2p/sync-table/users", "", body));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("rows[0].hlc");
    }

    @Test
    void config_is_read_and_changed_live_and_invalid_values_change_nothing() {
        JsonNode before = http.get("/api/v1/p2p/config").json();

        for (String bad : List.of("{\"sync_interval\": 0}", "{\"sync_interval\": \"fast\"}",
                "{\"enable_p2p_sync\": \"yes\"}", "{\"sync_interval\": 5, \"colour\": 1}", "not json", "[]")) {
            Http.Response response = http.post("/api/v1/p2p/config", bad, ADMIN);
            assertThat(response.status()).as(bad).isEqualTo(400);
        }
        assertThat(http.get("/api/v1/p2p/config").json()).isEqualTo(before);

        Http.Response changed = http.post("/api/v1/p2p/config", "{\"sync_interval\": 7}", ADMIN);

        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("sync_interval").asInt()).isEqualTo(7);
        assertThat(node.engine().settings().syncInterval().toSeconds()).isEqualTo(7);
        http.post("/api/v1/p2p/config", "{\"sync_interval\": 30}", ADMIN);
    }

    @Test
    void sync_can_be_disabled_live_and_a_trigger_is_then_refused() {
        Http.Response off = http.post("/api/v1/p2p/config", "{\"enable_p2p_sync\": false}", ADMIN);
        try {
            assertThat(off.json().get("enable_p2p_sync").asBoolean()).isFalse();
            assertThat(node.engine().settings().enabled()).isFalse();
            Http.Response trigger = http.post("/api/v1/p2p/sync/trigger", "", ADMIN);
            assertThat(trigger.status()).isEqualTo(409);
            assertThat(trigger.errorCode()).isEqualTo("sync_disabled");
        } finally {
            http.post("/api/v1/p2p/config", "{\"enable_p2p_sync\": true}", ADMIN);
        }
        assertThat(node.engine().settings().enabled()).isTrue();
    }

    @Test
    void mutating_endpoints_need_the_admin_token() {
        JsonNode configBefore = http.get("/api/v1/p2p/config").json();
        Map<String, String> wrong = Map.of("Authorization", "Bearer not-the-token");

        assertThat(http.post("/api/v1/p2p/config", "{\"sync_interval\": 9}").status()).isEqualTo(401);
        assertThat(http.post("/api/v1/p2p/config", "{\"sync_interval\": 9}", wrong).status()).isEqualTo(401);
        assertThat(http.post("/api/v1/p2p/sync/trigger", "").status()).isEqualTo(401);
        assertThat(http.post("/api/v1/p2p/peers", "{\"host\":\"127.0.0.1\",\"port\":1}").status()).isEqualTo(401);
        assertThat(http.delete("/api/v1/p2p/peers/" + UUID.randomUUID(), Map.of()).status()).isEqualTo(401);
        assertThat(http.post("/api/v1/p2p/discovery/refresh", "").status()).isEqualTo(401);
        assertThat(http.get("/api/v1/p2p/config").json()).isEqualTo(configBefore);
        assertThat(http.post("/api/v1/p2p/sync/trigger", "", ADMIN).status()).isEqualTo(202);
    }

    @Test
    void malformed_peers_are_refused_and_unreachable_ones_kept_as_pending() {
        assertThat(http.post("/api/v1/p2p/peers", "{\"host\": ", ADMIN).status()).isEqualTo(400);
        Http.Response badPort = http.post("/api/v1/p2p/peers", "{\"host\":\"127.0.0.1\",\"port\":99999}", ADMIN);
        assertThat(badPort.status()).isEqualTo(400);
        assertThat(badPort.json().get("errors").get(0).get("field").asText()).isEqualTo("port");
        Http.Response noHost = http.post("/api/v1/p2p/peers", "{\"port\":8010}", ADMIN);
        assertThat(noHost.json().get("errors").get(0).get("field").asText()).isEqualTo("host");

        int closedPort = dev.peersync.testing.FreePorts.tcp();
        Http.Response unreachable = http.post("/api/v1/p2p/peers",
                "{\"host\":\"127.0.0.1\",\"port\":" + closedPort + "}", ADMIN);

        assertThat(unreachable.status()).isEqualTo(202);
        assertThat(unreachable.json().get("reason").asText()).contains(Integer.toString(closedPort));
        JsonNode status = http.get("/api/v1/p2p/status").json();
        assertThat(status.get("peers")).isEmpty();
        assertThat(status.get("pending_peers").findValuesAsText("id"))
                .containsExactly(unreachable.json().get("peer_id").asText());
        assertThat(http.delete("/api/v1/p2p/peers/" + unreachable.json().get("peer_id").asText(), ADMIN).status())
                .isEqualTo(200);
    }

    @Test
    void deleting_an_unknown_or_malformed_peer_id_is_refused() {
        assertThat(http.delete("/api/v1/p2p/peers/" + UUID.randomUUID(), ADMIN).status()).isEqualTo(404);
        Http.Response malformed = http.delete("/api/v1/p2p/peers/not-a-uuid", ADMIN);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("errors").get(0).get("field").asText()).isEqualTo("id");
    }

    @Test
    void a_gone_peer_is_forgotten_for_good_so_tombstone_collection_stops_waiting_for_it() throws Exception {
        UUID gone = UUID.randomUUID();
        try (var c = java.sql.DriverManager.getConnection(pg.database().jdbcUrl(), pg.database().user(),
                pg.database().password()); var s = c.createStatement()) {
            s.execute("INSERT INTO peersync.peer_cursor (peer, cursor) VALUES ('" + gone + "', '')");
        }
        assertThat(http.delete("/api/v1/p2p/peers/" + gone + "?forget=maybe", ADMIN).status()).isEqualTo(400);
        assertThat(http.delete("/api/v1/p2p/peers/" + gone + "?forget=true", Map.of()).status()).isEqualTo(401);
        try (var c = java.sql.DriverManager.getConnection(pg.database().jdbcUrl(), pg.database().user(),
                pg.database().password()); var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM peersync.peer_cursor WHERE peer = '" + gone + "'")) {
            r.next();
            assertThat(r.getLong(1)).as("refused: nothing forgotten").isOne();
        }
        Http.Response forgotten = http.delete("/api/v1/p2p/peers/" + gone + "?forget=true", ADMIN);
        assertThat(forgotten.status()).as(forgotten.body()).isEqualTo(200);
        assertThat(forgotten.json().get("forgotten").asBoolean()).isTrue();
        try (var c = java.sql.DriverManager.getConnection(pg.database().jdbcUrl(), pg.database().user(),
                pg.database().password()); var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM peersync.peer_cursor WHERE peer = '" + gone + "'")) {
            r.next();
            assertThat(r.getLong(1)).isZero();
        }
    }

    @Test
    void discovery_refresh_is_409_while_discovery_is_off() {
        Http.Response response = http.post("/api/v1/p2p/discovery/refresh", "", ADMIN);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.errorCode()).isEqualTo("discovery_disabled");
    }

    @Test
    void discovery_is_switched_on_and_off_live() {
        Http.Response on = http.post("/api/v1/p2p/config", "{\"enable_auto_discovery\": true}", ADMIN);
        try {
            assertThat(on.status()).as(on.body()).isEqualTo(200);
            assertThat(on.json().get("enable_auto_discovery").asBoolean()).isTrue();
            assertThat(http.post("/api/v1/p2p/discovery/refresh", "", ADMIN).status()).isEqualTo(202);
        } finally {
            Http.Response off = http.post("/api/v1/p2p/config", "{\"enable_auto_discovery\": false}", ADMIN);
            assertThat(off.json().get("enable_auto_discovery").asBoolean()).isFalse();
        }
        assertThat(http.post("/api/v1/p2p/discovery/refresh", "", ADMIN).status()).isEqualTo(409);
    }

    @Test
    void metrics_expose_sync_and_http_series() {
        http.get("/api/v1/p2p/status");

        Http.Response metrics = http.get("/metrics", ADMIN);

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds_count{method=\"GET\","
                + "route=\"/api/v1/p2p/status\",status=\"200\"}");
        assertThat(metrics.body()).contains("peersync_parked_rows", "peersync_p2p_bytes_total{direction=\"in\"}");
    }

    @Test
    void websocket_sends_status_and_answers_ping() throws Exception {
        try (WsClient ws = new WsClient(http.client(),
                URI.create("ws://127.0.0.1:" + node.apiPort() + NodeHttp.WS_PATH + "?token=" + ADMIN_TOKEN))) {
            JsonNode status = Http.mapper().readTree(ws.awaitMessages(1).get(0));
            assertThat(status.get("type").asText()).isEqualTo("status");
            assertThat(status.get("data").get("node_id").asText()).isEqualTo(node.nodeId().toString());

            ws.send("{\"type\":\"ping\"}");

            JsonNode pong = Http.mapper().readTree(ws.awaitMessages(2).get(1));
            assertThat(pong.get("type").asText()).isEqualTo("pong");
            assertThat(pong.get("timestamp").asText()).isNotBlank();
        }
    }

    @Test
    void metrics_need_the_admin_token_when_one_is_set() {
        Http.Response refused = http.get("/metrics");
        Http.Response wrong = http.get("/metrics", Map.of("Authorization", "Bearer not-the-token"));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.errorCode()).isEqualTo("unauthorized");
        assertThat(refused.body()).doesNotContain("peersync_");
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void the_websocket_refuses_a_missing_token_and_a_foreign_page_before_the_upgrade() throws Exception {
        String path = NodeHttp.WS_PATH;
        String withToken = path + "?token=" + ADMIN_TOKEN;

        assertThat(upgrade(path, null)).startsWith("HTTP/1.1 401");
        assertThat(upgrade(path + "?token=wrong-token-wrong-token-wrong", null)).startsWith("HTTP/1.1 401");
        assertThat(upgrade(withToken, "http://evil.example")).startsWith("HTTP/1.1 403");
        assertThat(upgrade(withToken, "http://127.0.0.1:" + node.apiPort())).startsWith("HTTP/1.1 101");
        assertThat(upgrade(withToken, null)).startsWith("HTTP/1.1 101");
    }

    @Test
    void cross_origin_reads_are_allowed_to_local_dashboards_only_by_default() {
        Http.Response local = http.get("/api/v1/p2p/status", Map.of("Origin", "http://localhost:8010"));
        Http.Response foreign = http.get("/api/v1/p2p/table-info/users", Map.of("Origin", "http://evil.example"));

        assertThat(local.status()).isEqualTo(200);
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(corsHeader("/api/v1/p2p/status", "http://localhost:8010")).isEqualTo("http://localhost:8010");
        assertThat(corsHeader("/api/v1/p2p/table-info/users", "http://evil.example")).isNull();
    }

    /** The ACAO header the node answers {@code origin} with, or null. */
    private static String corsHeader(String path, String origin) {
        try {
            return http.client().send(java.net.http.HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + node.apiPort() + path)).header("Origin", origin)
                            .GET().build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                    .headers().firstValue("Access-Control-Allow-Origin").orElse(null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a WebSocket upgrade request as a browser would and returns the status line of the answer. */
    private static String upgrade(String pathAndQuery, String origin) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.apiPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + node.apiPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }
}
