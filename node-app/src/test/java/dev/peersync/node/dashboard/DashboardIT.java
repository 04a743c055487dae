package dev.peersync.node.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.node.Node;
import dev.peersync.node.p2p.ClusterSignature;
import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard end to end: two in-process nodes on their own databases, node A's page in headless Chromium.
 * The page adds B as a peer (A has an ADMIN_TOKEN: a wrong token at the prompt is refused, the right one works),
 * shows both nodes, streams the rows of a user registered on B and counts them in its chart, sees the table's
 * hash equal on both nodes, triggers a sync, shows a conflict that A resolved, and the column B gained first. The last screenshot is kept as {@code target/dashboard.png}
 * (also when the test fails).
 */
class DashboardIT {
    private static final String ADMIN_TOKEN = "dashboard-admin-token-Q3v9Lx7P";
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    @RegisterExtension
    static final PostgresExtension postgres = PostgresExtension.perClass();

    @Test
    void page_shows_both_nodes_streams_a_remote_write_and_triggers_sync() throws java.sql.SQLException {
        dev.peersync.testing.TestDatabase dbB = postgres.newDatabase("dash_b");
        // Chromium first: when it is missing the test stops at once with the command that installs it.
        try (HeadlessChromium chromium = HeadlessChromium.start(1440, 1400);
             Node a = TestNodes.start("dash-a", postgres.newDatabase("dash_a"), Map.of("ADMIN_TOKEN", ADMIN_TOKEN));
             Node b = TestNodes.start("dash-b", dbB, Map.of())) {
            Http httpA = new Http(a.apiPort());
            Http httpB = new Http(b.apiPort());
            JsonNode statusA = httpA.get("/api/v1/p2p/status").json();
            JsonNode statusB = httpB.get("/api/v1/p2p/status").json();
            String idA = statusA.path("node_id").asText();
            String idB = statusB.path("node_id").asText();
            // B learns A through its API; A learns B through the page, which is what is under test.
            Http.Response added = httpB.post("/api/v1/p2p/peers", "{\"host\":\"127.0.0.1\",\"port\":" + a.apiPort()
                    + ",\"p2p_port\":" + statusA.path("ports").path("p2p").asInt() + "}");
            assertThat(added.status()).as("adding A on B: %s", added.body()).isEqualTo(201);

            DashboardPage page = new DashboardPage(chromium.driver());
            try {
                page.open("http://127.0.0.1:" + a.apiPort() + "/");
                assertThat(page.awaitNode(idA, "self")).contains("dash-a");

                // A wrong token is refused with the node's message; the form keeps its values to try again.
                page.addPeer("127.0.0.1", b.apiPort(), statusB.path("ports").path("p2p").asInt());
                page.answerTokenPrompt("not-the-admin-token");
                assertThat(page.awaitFailure("401")).contains("admin token is not valid");
                page.submitAddPeer();
                page.answerTokenPrompt(ADMIN_TOKEN);
                page.awaitSuccess("added");
                assertThat(page.awaitNode(idB, "active")).contains("dash-b").contains("127.0.0.1:" + b.apiPort());

                long chartBefore = page.chartTotal();
                Http.Response registered = httpB.post("/api/v1/auth/register",
                        "{\"username\":\"dashboard_user\",\"email\":\"dashboard@example.com\","
                                + "\"password\":\"a-long-enough-password\"}");
                assertThat(registered.status()).as("register on B: %s", registered.body()).isEqualTo(201);
                assertThat(page.awaitEvent("table_synced", "users")).contains("dash-b");
                assertThat(page.awaitChartTotalAbove(chartBefore)).isGreaterThan(chartBefore);
                page.awaitTableEqualEverywhere("users", 1);

                // The token given for "add peer" is kept for the tab: no second prompt.
                page.triggerSync();
                assertThat(page.awaitSuccess("Sync triggered")).contains("1 reachable peer");

                // A conflict resolved on A (the same new category from two other nodes) shows in the stream.
                UUID category = UUID.randomUUID();
                long hlc = (System.currentTimeMillis() << 16) + 1;
                for (int i = 0; i < 2; i++) {
                    String origin = UUID.randomUUID().toString();
                    String body = ("{\"peer_id\": \"%s\", \"rows\": [{\"pk\": [\"%s\"], \"hlc\": %d, \"origin\": \"%s\","
                            + " \"data\": {\"id\": \"%s\", \"name\": \"twice-%d\", \"description\": null, \"parent_id\": null,"
                            + " \"created_at\": \"2026-01-01T00:00:00Z\", \"updated_at\": \"2026-01-01T00:00:00Z\"}}]}")
                            .formatted(origin, category, hlc + i, origin, category, i);
                    assertThat(httpA.post("/api/v1/p2p/sync-table/categories", body, ClusterSignature.headers(
                            TestNodes.CLUSTER_SECRET, new ClusterSignature.Request("POST",
                                    "/api/v1/p2p/sync-table/categories", "", body.getBytes(StandardCharsets.UTF_8)),
                            System.currentTimeMillis()))
                            .status()).isEqualTo(200);
                }
                assertThat(page.awaitEvent("conflict_resolved", "insert vs insert on categories"))
                        .contains("incoming won");

                // A migration on B first: A's page shows the column only B has (rows go on crossing).
                try (java.sql.Connection c = dbB.dataSource().getConnection();
                     java.sql.Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE products ADD COLUMN sku text");
                }
                assertThat(page.awaitDrift(idB)).contains("products.sku: only on the peer");
            } finally {
                page.screenshot(SCREENSHOT);
            }
        }
    }

    @Test
    void page_shows_a_snapshot_join_with_a_progress_bar_then_its_summary() throws Exception {
        int rows = 120_000;
        dev.peersync.testing.TestDatabase dbA = postgres.newDatabase("join_dash_a");
        try (HeadlessChromium chromium = HeadlessChromium.start(1440, 1000);
             Node a = TestNodes.start("join-a", dbA, Map.of());
             Node b = TestNodes.start("join-b", postgres.newDatabase("join_dash_b"), Map.of())) {
            TestNodes.insertCategories(dbA, rows);
            DashboardPage page = new DashboardPage(chromium.driver());
            try {
                page.open("http://127.0.0.1:" + b.apiPort() + "/");
                Http.Response added = new Http(b.apiPort()).post("/api/v1/p2p/peers",
                        "{\"host\":\"127.0.0.1\",\"port\":" + a.apiPort() + "}");
                assertThat(added.status()).as(added.body()).isEqualTo(201);

                assertThat(page.awaitJoin("running")).contains("Joining join-a by snapshot").contains("of 120,000 rows");
                assertThat(page.joinProgress()).isBetween(0.0, 100.0);
                assertThat(page.awaitJoin("done")).contains("Joined join-a by snapshot: 120,000 of 120,000 rows");
                assertThat(page.joinProgress()).isEqualTo(100.0);
            } finally {
                page.screenshot(Path.of("target", "dashboard-join.png"));
            }
        }
    }
}
