package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.LanAddress;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.testing.Await;
import dev.peersync.testing.LogCapture;
import dev.peersync.testing.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node started as the README says, with no secret and no admin token: strangers on the network read and write
 * nothing. The stranger is this host's own non-loopback address (the node sees another host).
 */
class SecureDefaultsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    private static Node node;
    private static Http local;
    private static Http stranger;
    private static String startLog;
    private static String victimId;

    @BeforeAll
    static void start() {
        Map<String, String> env = TestNodes.environment("defaults", pg.database(), Map.of());
        env.remove("CLUSTER_SECRET");
        env.remove("ADMIN_TOKEN");
        try (LogCapture log = LogCapture.start()) {
            node = TestNodes.start(env);
            startLog = log.text();
        }
        local = new Http(node.apiPort());
        stranger = new Http(LanAddress.get(), node.apiPort());
        Http.Response registered = local.post("/api/v1/auth/register",
                "{\"username\": \"victim\", \"email\": \"victim@example.com\", \"password\": \"password123\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        victimId = registered.json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void the_node_says_once_at_start_that_it_is_in_protected_mode_and_how_to_open_it() {
        assertThat(startLog.lines().filter(l -> l.contains("PROTECTED MODE") && l.contains("CLUSTER_SECRET is not set")))
                .hasSize(1);
        assertThat(local.get("/api/v1/p2p/status").json().get("auth_mode").asText()).isEqualTo("protected");
    }

    @Test
    void whole_rows_are_refused_with_403_saying_what_to_set_even_on_loopback() {
        for (Http client : new Http[] {local, stranger}) {
            Http.Response response = client.get("/api/v1/p2p/table-data/users");
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.errorCode()).isEqualTo("forbidden");
            assertThat(response.json().get("error").get("message").asText())
                    .contains("ADMIN_TOKEN", "CLUSTER_SECRET");
            assertThat(response.body()).doesNotContain("victim@example.com", "$2");
        }
    }

    @Test
    void a_remote_write_of_a_password_hash_is_refused_and_nothing_changes() {
        String usersBefore = local.get("/api/v1/p2p/table-info/users").json().get("hash").asText();
        String id = victimId;
        String peer = UUID.randomUUID().toString();
        long future = (System.currentTimeMillis() + 1000) << 16;
        String body = """
                {"peer_id": "%s", "rows": [{"pk": ["%s"], "hlc": %d, "origin": "%s", "data": {"id": "%s",
                 "username": "victim", "email": "attacker@example.com", "password_hash": "$2a$10$attacker"}}]}"""
                .formatted(peer, id, future, peer, id);

        for (Http client : new Http[] {local, stranger}) {
            Http.Response response = client.post("/api/v1/p2p/sync-table/users", body);
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.errorCode()).isEqualTo("forbidden");
        }
        assertThat(local.get("/api/v1/p2p/table-info/users").json().get("hash").asText()).isEqualTo(usersBefore);
        Http.Response login = local.post("/api/v1/auth/login", "{\"username\": \"victim\", \"password\": \"password123\"}");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
    }

    @Test
    void admin_endpoints_answer_this_host_only_and_a_stranger_changes_nothing() {
        JsonNode before = local.get("/api/v1/p2p/config").json();

        Http.Response refused = stranger.post("/api/v1/p2p/config", "{\"enable_p2p_sync\": false}");
        Http.Response peer = stranger.post("/api/v1/p2p/peers", "{\"host\": \"203.0.113.9\", \"port\": 8000}");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("error").get("message").asText()).contains("ADMIN_TOKEN");
        assertThat(peer.status()).isEqualTo(403);
        assertThat(local.get("/api/v1/p2p/config").json()).isEqualTo(before);
        assertThat(node.engine().settings().enabled()).isTrue();
        assertThat(local.get("/api/v1/p2p/status").json().get("peers")).isEmpty();
    }

    @Test
    void a_json_endpoint_refuses_a_body_that_is_not_declared_json() throws Exception {
        JsonNode before = local.get("/api/v1/p2p/config").json();
        // What a page on another site can send without a CORS preflight.
        java.net.http.HttpResponse<String> response = local.client().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + node.apiPort() + "/api/v1/p2p/config"))
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"enable_p2p_sync\": false}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(new Http.Response(415, response.body()).errorCode()).isEqualTo("unsupported_media_type");
        assertThat(local.get("/api/v1/p2p/config").json()).isEqualTo(before);
    }

    @Test
    void the_p2p_port_refuses_a_stranger_before_saying_anything_about_the_cluster() throws IOException {
        int p2pPort = node.engine().p2pAddress().getPort();
        try (LogCapture log = LogCapture.start(); Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LanAddress.get(), p2pPort), 2000);
            socket.setSoTimeout((int) WAIT.toMillis());
            String received = readUntilClosed(socket.getInputStream());

            assertThat(received).contains("REMOTE_WITHOUT_SECRET").doesNotContain(node.nodeId().toString());
            log.awaitLine("Refused P2P connection with /" + LanAddress.get(), WAIT);
        }
        Await.until("the node still serving loopback clients", WAIT, () -> local.get("/health").status(),
                status -> status == 200);
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void bind_address_127_0_0_1_keeps_the_api_and_p2p_port_off_the_network() throws IOException {
        Map<String, String> env = TestNodes.environment("bound", pg.newDatabase("bound"), Map.of("BIND_ADDRESS",
                "127.0.0.1"));
        try (Node bound = TestNodes.start(env)) {
            int p2pPort = bound.engine().p2pAddress().getPort();
            assertThat(new Http(bound.apiPort()).get("/health").status()).isEqualTo(200);
            for (int port : new int[] {bound.apiPort(), p2pPort}) {
                try (Socket socket = new Socket()) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.connect(
                                    new InetSocketAddress(LanAddress.get(), port), 2000))
                            .isInstanceOf(java.net.ConnectException.class);
                }
            }
        }
    }
}
