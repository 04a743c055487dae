package dev.peersync.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.event.SyncEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SyncMetricsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final NodeId PEER = NodeId.parse("00000000-0000-0000-0000-000000000002");

    @Test
    void events_become_prometheus_counters_per_table_and_peer() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SyncMetrics metrics = new SyncMetrics(registry);

        metrics.onEvent(new SyncEvent.TableSynced(NOW, PEER, "users", 10));
        metrics.onEvent(new SyncEvent.TableSynced(NOW, PEER, "users", 5));
        metrics.onEvent(new SyncEvent.ConflictResolved(NOW, "users", "[\"k\"]", new Version(2, PEER),
                new Version(1, PEER), "update_update", "merged"));
        // An apply's count of what it logged: more than its capped ConflictResolved events, and counted once.
        metrics.onEvent(new SyncEvent.ConflictsLogged(NOW, "users", "update_update", 1200));
        metrics.onEvent(new SyncEvent.ConflictsLogged(NOW, "users", "clock_skew", 2));
        metrics.onEvent(new SyncEvent.RowParked(NOW, PEER, "reviews", "[\"k\"]", "missing parent"));
        metrics.onEvent(new SyncEvent.ClockSkewDetected(NOW, PEER, 90_000, "refused"));
        metrics.onEvent(new SyncEvent.SyncRoundCompleted(NOW, PEER, 15, 2, 40, null));

        String scrape = registry.scrape();
        assertThat(scrape).contains("peersync_rows_applied_total{peer=\"" + PEER + "\",table=\"users\"} 15.0");
        assertThat(scrape).contains("peersync_conflicts_total{table=\"users\",type=\"update_update\"} 1200.0");
        assertThat(scrape).contains("peersync_conflicts_total{table=\"users\",type=\"clock_skew\"} 2.0");
        assertThat(scrape).contains("peersync_rows_parked_total{table=\"reviews\"} 1.0");
        assertThat(scrape).contains("peersync_clock_skew_seconds{peer=\"" + PEER + "\"} 90.0");
        assertThat(scrape).contains("peersync_sync_rounds_total{outcome=\"ok\",peer=\"" + PEER + "\"} 1.0");
    }
}
