package dev.peersync.it.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import dev.peersync.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18, item 1 on real nodes: {@code ALTER TABLE products ADD COLUMN sku} on node 1 while the cluster runs. Sync
 * goes on both ways at once; the other nodes hold node 1's sku values (and relay them) until they add the column
 * themselves, and then have them without anyone acting; status reports the drift meanwhile.
 */
class LiveAddColumnIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension
    static final ClusterExtension nodes = ClusterExtension.threeNodes();

    @Test
    void a_column_added_on_one_node_first_keeps_sync_going_both_ways_and_its_values_reach_every_node() {
        Cluster cluster = nodes.cluster();
        ClusterNode one = cluster.node(1);
        ClusterNode two = cluster.node(2);
        ClusterNode three = cluster.node(3);
        String before = insertProduct(two, "before the migration", null);
        awaitRow(one, before);
        awaitRow(three, before);

        one.execute("ALTER TABLE products ADD COLUMN sku text");
        String fromOne = insertProduct(one, "written with a sku", "SKU-ONE");
        one.execute("UPDATE products SET sku = 'SKU-BEFORE' WHERE id = '" + before + "'");
        String fromTwo = insertProduct(two, "written without a sku", null);
        two.execute("UPDATE products SET price = 42 WHERE id = '" + before + "'"); // later, from a node without sku

        // Both ways, at once: node 1's rows reach the nodes without the column, theirs reach node 1.
        awaitRow(two, fromOne);
        awaitRow(three, fromOne);
        awaitRow(one, fromTwo);
        Await.until("node 1 to take node 2's price and keep its own sku", DEADLINE,
                () -> one.column("SELECT price::text || ' ' || coalesce(sku, '-') FROM products WHERE id = '" + before + "'"),
                v -> v.equals(List.of("42.00 SKU-BEFORE")));
        Await.until("node 1's status to report the column node 2 lacks", DEADLINE,
                () -> drift(one, two), d -> d.equals(List.of("products.sku: only here")));
        Await.until("node 2's status to report the column node 1 has", DEADLINE,
                () -> drift(two, one), d -> d.equals(List.of("products.sku: only on the peer")));

        // The others migrate: the values written before they had the column are theirs at once.
        two.execute("ALTER TABLE products ADD COLUMN sku text");
        three.execute("ALTER TABLE products ADD COLUMN sku text");
        for (ClusterNode n : List.of(two, three)) {
            Await.until(n.name() + " to have node 1's sku values", DEADLINE,
                    () -> n.column("SELECT coalesce(sku, '-') || ' ' || price::text FROM products WHERE id IN ('"
                            + before + "', '" + fromOne + "', '" + fromTwo + "') ORDER BY name"),
                    v -> v.equals(List.of("SKU-BEFORE 42.00", "SKU-ONE 1.00", "- 1.00")));
        }
        Await.until("no drift left in node 1's status", DEADLINE, () -> drift(one, two), List::isEmpty);
        cluster.awaitConvergence(DEADLINE);
    }

    private static List<String> drift(ClusterNode node, ClusterNode peer) {
        for (JsonNode p : node.status().get("peers")) {
            if (p.get("peer_id").asText().equals(peer.nodeId())) {
                List<String> out = new ArrayList<>();
                p.get("schema_drift").forEach(d -> out.add(d.asText()));
                return out;
            }
        }
        return List.of("(peer not listed)");
    }

    private static String insertProduct(ClusterNode node, String name, String sku) {
        String id = UUID.randomUUID().toString();
        node.execute("INSERT INTO products (id, name, price, created_at, updated_at" + (sku == null ? "" : ", sku")
                + ") VALUES ('" + id + "', '" + name + "', 1, now(), now()" + (sku == null ? "" : ", '" + sku + "'") + ")");
        return id;
    }

    private static void awaitRow(ClusterNode node, String id) {
        Await.until(node.name() + " to have product " + id, DEADLINE,
                () -> node.column("SELECT id::text FROM products WHERE id = '" + id + "'"), rows -> rows.size() == 1);
    }
}
