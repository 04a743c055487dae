package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.node.testing.Http;
import dev.peersync.node.testing.TestNodes;
import dev.peersync.testing.Await;
import dev.peersync.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/operations.md's metrics table names exactly what a node exports: two nodes sync a user, and every metric in
 * node B's {@code /metrics} is named there (or in one of its documented groups such as {@code jvm_*}), and what a
 * syncing node always has (rows applied, rounds, lag, peers, bytes, HTTP, JVM, process, pool) is exported. Also:
 * durations in seconds, counters ending in {@code _total}.
 */
class MetricsDocIT {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{| )");
    /** Counters labelled by what happened: a node exports them from their first event on. */
    private static final Set<String> ON_FIRST_EVENT = Set.of("peersync_conflicts_total", "peersync_rows_parked_total",
            "peersync_rows_unparked_total", "peersync_rows_parked_expired_total", "peersync_clock_skew_seconds",
            "peersync_clock_skew_events_total");
    private static final Pattern DOCUMENTED = Pattern.compile("`([a-z0-9_]+)(\\*?)`");

    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    @Test
    void every_exported_metric_is_documented_in_base_units() throws Exception {
        try (Node a = TestNodes.start("metrics-a", pg.newDatabase("metrics_a"), Map.of());
             Node b = TestNodes.start("metrics-b", pg.newDatabase("metrics_b"), Map.of())) {
            Http httpA = new Http(a.apiPort());
            Http httpB = new Http(b.apiPort());
            assertThat(httpB.post("/api/v1/p2p/peers", "{\"host\": \"127.0.0.1\", \"port\": " + a.apiPort() + "}")
                    .status()).isEqualTo(201);
            assertThat(httpA.post("/api/v1/auth/register", "{\"username\": \"metrics_user\", \"email\":"
                    + " \"metrics@example.com\", \"password\": \"password123\"}").status()).isEqualTo(201);
            // Both are counted when a round's result is recorded, and the round's ping reports its round trip on its
            // own time, after the rows may have been counted: wait for all three, not only the first one seen.
            Set<String> exported = Await.until("node B to count the applied rows and a ping's round trip in its metrics",
                    Duration.ofSeconds(30), () -> families(httpB.get("/metrics").body()),
                    names -> names.contains("peersync_rows_applied_total")
                            && names.contains("peersync_origin_rows_total")
                            && names.contains("peersync_peer_rtt_seconds"));

            String doc = Files.readString(Path.of("..", "docs", "operations.md"));
            String table = doc.substring(doc.indexOf("### Metrics"), doc.indexOf("Every metric is in base units"));
            Set<String> names = new TreeSet<>();
            Set<String> prefixes = new TreeSet<>();
            Matcher m = DOCUMENTED.matcher(table);
            while (m.find()) {
                (m.group(2).isEmpty() ? names : prefixes).add(m.group(1));
            }
            Set<String> undocumented = new TreeSet<>();
            for (String family : exported) {
                if (!names.contains(family) && prefixes.stream().noneMatch(family::startsWith)) {
                    undocumented.add(family);
                }
            }
            assertThat(undocumented).as("exported but not in docs/operations.md's metrics table").isEmpty();
            assertThat(exported).contains("peersync_rows_applied_total", "peersync_sync_rounds_total",
                    "peersync_sync_round_seconds", "peersync_replication_lag_seconds", "peersync_peer_up",
                    "peersync_p2p_bytes_total", "peersync_parked_rows", "peersync_origin_rows_total",
                    "http_server_requests_seconds");
            assertThat(prefixes.stream().allMatch(p -> exported.stream().anyMatch(f -> f.startsWith(p))))
                    .as("every documented group %s is exported", prefixes).isTrue();
            assertThat(exported).noneMatch(f -> f.contains("milliseconds"));

            // The Grafana dashboard in docs/ asks only for metrics a node exports.
            String dashboard = Files.readString(Path.of("..", "docs", "grafana-dashboard.json"));
            Matcher used = Pattern.compile("(peersync|http|jvm|hikaricp)_[a-z0-9_]+").matcher(dashboard);
            Set<String> missing = new TreeSet<>();
            while (used.find()) {
                String name = used.group().replaceAll("_(count|sum|max|bucket)$", "");
                if (!exported.contains(name) && !ON_FIRST_EVENT.contains(name)) {
                    missing.add(used.group());
                }
            }
            assertThat(missing).as("metrics the Grafana dashboard uses but a node does not export").isEmpty();
        }
    }

    /** Metric names of a Prometheus scrape, with the summary's {@code _count}, {@code _sum}, {@code _max} folded. */
    private static Set<String> families(String scrape) {
        Set<String> families = new TreeSet<>();
        for (String line : scrape.lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                families.add(m.group(1).replaceAll("_(count|sum|max|bucket)$", ""));
            }
        }
        return families;
    }
}
