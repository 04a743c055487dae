package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.node.p2p.ClusterSignature;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/v1/p2p/conflicts} on a running node: a real conflict applied over HTTP, then read back. */
class ConflictsEndpointIT {
    private static final String ADMIN_TOKEN = "admin-token-for-conflict-tests";
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_TOKEN);

    @RegisterExtension
    final PostgresExtension pg = PostgresExtension.perMethod();

    /** The same new category written on two other nodes, neither having seen the other's: insert vs insert. */
    private static void twoConcurrentInserts(Http http, UUID id) {
        long hlc = (System.currentTimeMillis() << 16) + 1;
        for (int i = 0; i < 2; i++) {
            String origin = UUID.randomUUID().toString();
            String body = """
                    {"peer_id": "%s", "rows": [{"pk": ["%s"], "hlc": %d, "origin": "%s", "data": {"id": "%s",
                     "name": "written-by-%d", "description": null, "parent_id": null,
                     "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}}]}"""
                    .formatted(origin, id, hlc + i, origin, id, i);
            Http.Response applied = http.post("/api/v1/p2p/sync-table/categories", body, ClusterSignature.headers(
                    TestNodes.CLUSTER_SECRET, new ClusterSignature.Request("POST", "/api/v1/p2p/sync-table/categories", "",
                            body.getBytes(StandardCharsets.UTF_8)), System.currentTimeMillis()));
            assertThat(applied.status()).as(applied.body()).isEqualTo(200);
        }
    }

    @Test
    void the_admin_reads_the_conflict_log_newest_first_and_strangers_read_nothing() {
        try (Node node = TestNodes.start("conflicts", pg.newDatabase("conflicts"), Map.of("ADMIN_TOKEN", ADMIN_TOKEN))) {
            Http http = new Http(node.apiPort());
            UUID first = UUID.randomUUID();
            UUID second = UUID.randomUUID();
            twoConcurrentInserts(http, first);
            twoConcurrentInserts(http, second);

            assertThat(http.get("/api/v1/p2p/conflicts").status()).isEqualTo(401);
            assertThat(http.get("/api/v1/p2p/conflicts", Map.of("Authorization", "Bearer wrong")).status())
                    .isEqualTo(401);
            JsonNode log = http.get("/api/v1/p2p/conflicts", ADMIN).json();
            assertThat(log.get("items")).hasSize(2);
            JsonNode newest = log.get("items").get(0);
            assertThat(newest.get("pk").asText()).contains(second.toString());
            assertThat(newest.get("table").asText()).isEqualTo("categories");
            assertThat(newest.get("type").asText()).isEqualTo("insert_insert");
            assertThat(newest.get("resolution").asText()).isEqualTo("incoming_won");
            assertThat(newest.get("local_row").get("name").asText()).isEqualTo("written-by-0");
            assertThat(newest.get("incoming_row").get("name").asText()).isEqualTo("written-by-1");
            assertThat(newest.get("local_version").get("hlc").asLong())
                    .isLessThan(newest.get("incoming_version").get("hlc").asLong());
            assertThat(log.get("next_before").isNull()).isTrue();

            JsonNode page = http.get("/api/v1/p2p/conflicts?limit=1", ADMIN).json();
            assertThat(page.get("items")).hasSize(1);
            JsonNode next = http.get("/api/v1/p2p/conflicts?limit=1&before=" + page.get("next_before").asLong(), ADMIN)
                    .json();
            assertThat(next.get("items").get(0).get("pk").asText()).contains(first.toString());
            assertThat(http.get("/api/v1/p2p/conflicts?type=update_delete", ADMIN).json().get("items")).isEmpty();
            assertThat(http.get("/api/v1/p2p/conflicts?table=users", ADMIN).json().get("items")).isEmpty();
            assertThat(http.get("/api/v1/p2p/conflicts?since=2999-01-01T00:00:00Z", ADMIN).json().get("items")).isEmpty();
            for (String bad : List.of("table=nope", "type=sideways", "since=yesterday", "limit=0", "limit=501",
                    "before=abc")) {
                Http.Response refused = http.get("/api/v1/p2p/conflicts?" + bad, ADMIN);
                assertThat(refused.status()).as(bad).isEqualTo(400);
                assertThat(refused.body()).as(bad).contains(bad.substring(0, bad.indexOf('=')));
            }
            assertThat(http.get("/metrics", ADMIN).body())
                    .contains("peersync_conflicts_total{table=\"categories\",type=\"insert_insert\"} 2.0");
        }
    }

    @Test
    void without_an_admin_token_the_log_is_closed_and_says_what_to_set() {
        try (Node node = TestNodes.start("conflicts-open", pg.newDatabase("conflicts_open"), Map.of())) {
            Http.Response refused = new Http(node.apiPort()).get("/api/v1/p2p/conflicts");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("ADMIN_TOKEN");
        }
    }
}
