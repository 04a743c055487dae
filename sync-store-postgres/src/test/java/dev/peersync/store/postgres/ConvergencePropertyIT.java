package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.RowChange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: the same set of versions, delivered in any order, in any batching, with repeats, leaves every node
 * with the same rows and the same digest, and that state is "the highest version of each key".
 * Hand-rolled generator with fixed seeds; a failure names its seed.
 */
class ConvergencePropertyIT {
    private static final long[] SEEDS = {1, 7, 42, 1234, 99991, 8675309};
    private static final int KEYS = 8;
    private static final int VERSIONS = 80;
    private static final List<TestNode> NODES = new ArrayList<>();

    @BeforeAll
    static void nodes() {
        for (int i = 0; i < 3; i++) {
            NODES.add(TestNode.create("prop" + i));
        }
    }

    @AfterAll
    static void drop() {
        NODES.forEach(TestNode::close);
    }

    @Test
    void any_delivery_order_with_repeats_converges_to_the_highest_version_of_each_key() {
        for (long seed : SEEDS) {
            Random random = new Random(seed);
            List<RowChange> changes = generate(random);
            Map<String, RowChange> expected = highestPerKey(changes);
            List<String> digests = new ArrayList<>();
            List<String> contents = new ArrayList<>();
            for (TestNode node : NODES) {
                reset(node);
                List<RowChange> delivery = withRepeats(changes, random);
                Collections.shuffle(delivery, random);
                NodeId peer = NodeId.random();
                for (int from = 0; from < delivery.size(); ) {
                    int to = Math.min(delivery.size(), from + 1 + random.nextInt(25));
                    node.store.applyRows(peer, delivery.subList(from, to));
                    from = to;
                }
                assertThat(node.store.parkedCount()).as("seed %d: parked rows", seed).isZero();
                Set<String> liveIds = new HashSet<>();
                node.rows("SELECT id::text AS id FROM products").forEach(r -> liveIds.add((String) r.get("id")));
                Set<String> expectedIds = new HashSet<>();
                expected.values().stream().filter(c -> !c.deleted())
                        .forEach(c -> expectedIds.add(c.pk().substring(2, c.pk().length() - 2)));
                assertThat(liveIds).as("seed %d: live keys on %s", seed, node.db.name()).isEqualTo(expectedIds);
                for (RowChange c : expected.values()) {
                    if (!c.deleted()) {
                        String name = (String) node.rows("SELECT name FROM products WHERE id = '"
                                + c.pk().substring(2, c.pk().length() - 2) + "'").get(0).get("name");
                        assertThat(c.data()).as("seed %d: data of %s", seed, c.pk()).contains("\"" + name + "\"");
                    }
                }
                digests.add(node.store.digest("products").toString());
                contents.add(node.content());
            }
            assertThat(new HashSet<>(digests)).as("seed %d: digests %s", seed, digests).hasSize(1);
            assertThat(new HashSet<>(contents)).as("seed %d: contents", seed).hasSize(1);
        }
    }

    /** Random versions of a few keys: updates and deletes from three origins, versions distinct. */
    private static List<RowChange> generate(Random random) {
        List<UUID> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(new UUID(random.nextLong(), random.nextLong()));
        }
        List<NodeId> origins = List.of(new NodeId(new UUID(random.nextLong(), 1)),
                new NodeId(new UUID(random.nextLong(), 2)), new NodeId(new UUID(random.nextLong(), 3)));
        long base = (System.currentTimeMillis() - 3_600_000L) << 16;
        Set<Long> used = new HashSet<>();
        List<RowChange> out = new ArrayList<>();
        while (out.size() < VERSIONS) {
            // Few distinct clock values, so equal hlc from different origins (tie broken by node id) happens too.
            long hlc = base + random.nextInt(40);
            NodeId origin = origins.get(random.nextInt(origins.size()));
            if (!used.add(hlc * 4 + origins.indexOf(origin))) {
                continue;
            }
            UUID key = keys.get(random.nextInt(keys.size()));
            String pk = "[\"" + key + "\"]";
            boolean deleted = random.nextInt(10) < 3;
            String data = deleted ? null : "{\"id\": \"" + key + "\", \"name\": \"n" + random.nextInt(1_000_000)
                    + "\", \"price\": " + random.nextInt(10_000) + "." + (10 + random.nextInt(90))
                    + ", \"attributes\": {\"v\": " + random.nextInt(5) + "}, \"tags\": [\"t" + random.nextInt(3) + "\"]}";
            out.add(new RowChange("products", pk, hlc, origin, deleted, data));
        }
        return out;
    }

    private static Map<String, RowChange> highestPerKey(List<RowChange> changes) {
        Comparator<RowChange> byVersion = Comparator.comparingLong(RowChange::hlc).thenComparing(RowChange::origin);
        Map<String, RowChange> best = new TreeMap<>();
        for (RowChange c : changes) {
            best.merge(c.pk(), c, (x, y) -> byVersion.compare(x, y) >= 0 ? x : y);
        }
        return best;
    }

    private static List<RowChange> withRepeats(List<RowChange> changes, Random random) {
        List<RowChange> out = new ArrayList<>(changes);
        for (RowChange c : changes) {
            for (int i = random.nextInt(3); i > 0; i--) {
                out.add(c);
            }
        }
        return out;
    }

    /** A fresh node for the next seed (TRUNCATE fires no capture trigger). */
    private static void reset(TestNode node) {
        node.sql("TRUNCATE reviews, products, peersync.m_products, peersync.m_reviews, peersync.digest_delta,"
                + " peersync.digest_bucket, peersync.parked");
        node.sql("DELETE FROM peersync.truncations"); // the reset is not a replicated truncate
        assertThat(node.store.digest("products").rowCount()).isZero();
    }
}
