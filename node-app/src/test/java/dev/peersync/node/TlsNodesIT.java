package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresExtension;
import dev.peersync.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * P2P_TLS_CERT/KEY/CA reach the transport: two nodes with the cluster's certificate sync over mutual TLS, and a node
 * without it cannot even complete a connection to them (nothing is stored, nothing synced).
 */
class TlsNodesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private Node start(String name, Map<String, String> extra) {
        Node node = TestNodes.start(name, pg.newDatabase(name.replace('-', '_')), extra);
        nodes.add(node);
        return node;
    }

    private static String addPeer(Http http, Node peer) {
        Http.Response added = http.post("/api/v1/p2p/peers", "{\"host\": \"127.0.0.1\", \"port\": " + peer.apiPort()
                + ", \"p2p_port\": " + peer.engine().p2pAddress().getPort() + "}");
        return added.status() + " " + added.body();
    }

    @Test
    void nodes_with_the_cluster_certificate_sync_and_a_node_without_it_is_refused(@TempDir Path dir)
            throws Exception {
        TestCertificates.Pem pem = TestCertificates.create(dir, "cluster");
        Map<String, String> tls = Map.of("P2P_TLS_CERT", pem.cert().toString(), "P2P_TLS_KEY", pem.key().toString(),
                "P2P_TLS_CA", pem.cert().toString());
        Node a = start("tls-a", tls);
        Node b = start("tls-b", tls);
        Node plain = start("plain-c", Map.of());
        Http httpA = new Http(a.apiPort());
        Http httpB = new Http(b.apiPort());
        Http httpC = new Http(plain.apiPort());

        assertThat(addPeer(httpB, a)).startsWith("201");
        assertThat(httpA.post("/api/v1/auth/register", "{\"username\": \"tlsuser\", \"email\": \"tls@example.com\","
                + " \"password\": \"password123\"}").status()).isEqualTo(201);
        Await.until("tlsuser on B", WAIT, () -> httpB.get("/api/v1/users?limit=100").body(),
                body -> body.contains("tlsuser"));

        // Refused by the TLS handshake: kept as pending (it might get its certificate), never connected.
        String refused = addPeer(httpC, a);
        assertThat(refused).startsWith("202").contains("\"status\":\"pending\"");
        assertThat(httpC.get("/api/v1/p2p/status").json().get("peers")).isEmpty();
        assertThat(httpC.get("/api/v1/p2p/status").json().get("pending_peers").get(0).get("last_error").asText())
                .isNotBlank();
        assertThat(httpC.get("/api/v1/users?limit=100").body()).doesNotContain("tlsuser");
    }
}
