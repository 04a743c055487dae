package dev.peersync.node.metrics;

import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.event.SyncListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters derived from sync events (Prometheus names after the registry's conversion):
 * <ul>
 *   <li>{@code peersync_rows_applied_total{table,peer}}: rows pulled from a peer and applied</li>
 *   <li>{@code peersync_conflicts_total{table,type}}: conflicts recorded in the conflict log, every one</li>
 *   <li>{@code peersync_rows_parked_total{table}} / {@code peersync_rows_unparked_total{table}}</li>
 *   <li>{@code peersync_clock_skew_events_total{peer,action}} and gauge {@code peersync_clock_skew_seconds{peer}}:
 *       how far ahead the peer's clock was last seen</li>
 *   <li>{@code peersync_peer_state_changes_total{state}}</li>
 *   <li>{@code peersync_sync_rounds_total{peer,outcome}} and timer {@code peersync_sync_round_seconds{peer}}</li>
 * </ul>
 * Counting is lock-free and cheap: it runs on engine threads.
 */
public final class SyncMetrics implements SyncListener {
    private final MeterRegistry registry;
    /** Last skew per peer, in milliseconds (exported in seconds). */
    private final Map<String, AtomicLong> skewByPeer = new ConcurrentHashMap<>();

    public SyncMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void onEvent(SyncEvent event) {
        if (event instanceof SyncEvent.TableSynced e) {
            counter("peersync.rows.applied", "Rows pulled from a peer and applied", "table", e.table(),
                    "peer", e.peer().toString()).increment(e.count());
        } else if (event instanceof SyncEvent.ConflictsLogged e) {
            counter("peersync.conflicts", "Conflicts resolved and logged (two writes neither had seen, unique"
                    + " collisions, deleted parents, clock skew), by type", "table", e.table(), "type", e.type())
                    .increment(e.count());
        } else if (event instanceof SyncEvent.RowParked e) {
            counter("peersync.rows.parked", "Rows from peers parked (missing parent, unique collision, skew)",
                    "table", e.table()).increment();
        } else if (event instanceof SyncEvent.ParkedRowExpired e) {
            counter("peersync.rows.parked.expired", "Parked rows dropped because their peer had too many parked",
                    "table", e.table()).increment();
        } else if (event instanceof SyncEvent.RowUnparked e) {
            counter("peersync.rows.unparked", "Parked rows applied or superseded later", "table", e.table())
                    .increment();
        } else if (event instanceof SyncEvent.ClockSkewDetected e) {
            String peer = e.peer().toString();
            counter("peersync.clock.skew.events", "Batches from peers whose clock ran ahead of the allowed offset",
                    "peer", peer, "action", e.action()).increment();
            skewGauge(peer).set(e.aheadMillis());
        } else if (event instanceof SyncEvent.PeerChanged e) {
            counter("peersync.peer.state.changes", "Peer health transitions",
                    "state", e.change().current().name().toLowerCase(Locale.ROOT)).increment();
        } else if (event instanceof SyncEvent.SyncRoundCompleted e) {
            String peer = e.peer().toString();
            counter("peersync.sync.rounds", "Pull rounds with a peer", "peer", peer,
                    "outcome", e.error() == null ? "ok" : "error").increment();
            Timer.builder("peersync.sync.round").description("Duration of pull rounds with a peer")
                    .tag("peer", peer).register(registry).record(Duration.ofMillis(e.durationMillis()));
        }
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private AtomicLong skewGauge(String peer) {
        return skewByPeer.computeIfAbsent(peer, p -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("peersync.clock.skew", holder, millis -> millis.get() / 1000.0)
                    .description("How far ahead of this node's clock the peer was last seen")
                    .baseUnit("seconds").tag("peer", p).register(registry);
            return holder;
        });
    }
}
