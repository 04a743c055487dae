package dev.peersync.node.metrics;

import dev.peersync.core.NodeId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import dev.peersync.core.engine.EngineStatus;
import dev.peersync.core.engine.PeerSyncStatus;
import dev.peersync.core.peer.PeerState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Gauges read from the engine's status, refreshed just before each scrape of {@code /metrics}
 * (so a scrape costs one status snapshot and nothing runs in between):
 * <ul>
 *   <li>{@code peersync_replication_lag_seconds{peer,name}}: how long the peer's announced changes waited</li>
 *   <li>{@code peersync_peer_clock_skew_seconds{peer,name}}: peer clock minus ours at receipt</li>
 *   <li>{@code peersync_peer_rtt_seconds{peer,name}}, {@code peersync_peer_up{peer,name,state}}</li>
 *   <li>{@code peersync_parked_rows}: rows waiting in the parking table</li>
 *   <li>{@code peersync_p2p_bytes_total{direction}}: bytes through the P2P transport</li>
 *   <li>{@code peersync_origin_rows_total{peer,origin,outcome}}: rows pulled from a peer by the node that wrote
 *       them, {@code outcome} one of {@code received}, {@code applied}, {@code skipped} (already held: in a mesh, the
 *       same row from its origin and by relay) and {@code parked}</li>
 * </ul>
 */
public final class EngineMetrics {
    private final Supplier<EngineStatus> status;
    private final MultiGauge lag;
    private final MultiGauge skew;
    private final MultiGauge rtt;
    private final MultiGauge lagRows;
    private final MultiGauge schemaDrift;
    private final MultiGauge up;
    private final AtomicReference<EngineStatus> last = new AtomicReference<>();
    private final MeterRegistry registry;
    /** Values of the per-origin counters, by "peer origin outcome"; a counter is registered on first sight. */
    private final Map<String, AtomicLong> originRows = new ConcurrentHashMap<>();
    // Micrometer holds function-meter state weakly: these fields keep the suppliers alive as long as we are.
    private final LongSupplier p2pBytesIn;
    private final LongSupplier p2pBytesOut;

    public EngineMetrics(MeterRegistry registry, Supplier<EngineStatus> status, LongSupplier p2pBytesIn,
                         LongSupplier p2pBytesOut) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.status = Objects.requireNonNull(status, "status");
        this.p2pBytesIn = Objects.requireNonNull(p2pBytesIn, "p2pBytesIn");
        this.p2pBytesOut = Objects.requireNonNull(p2pBytesOut, "p2pBytesOut");
        // Prometheus convention: base units (seconds), whatever the engine counts in.
        this.lag = MultiGauge.builder("peersync.replication.lag").baseUnit("seconds")
                .description("How long changes announced by the peer have waited to be pulled (0: caught up)")
                .register(registry);
        this.skew = MultiGauge.builder("peersync.peer.clock.skew").baseUnit("seconds")
                .description("Newest received version's physical time minus this node's clock (positive: peer ahead)")
                .register(registry);
        this.lagRows = MultiGauge.builder("peersync.replication.lag.rows")
                .description("Rows the peer still had for this node at its last estimate (0: caught up)")
                .register(registry);
        this.schemaDrift = MultiGauge.builder("peersync.schema.drift.columns")
                .description("Columns of the synced tables only one side has, this node or the peer (a migration under"
                        + " way; rows still cross)")
                .register(registry);
        this.rtt = MultiGauge.builder("peersync.peer.rtt").baseUnit("seconds")
                .description("Last ping round trip to the peer").register(registry);
        this.up = MultiGauge.builder("peersync.peer.up")
                .description("1 when the peer is active, 0 when suspect or gone").register(registry);
        Gauge.builder("peersync.parked.rows", last, ref -> ref.get() == null ? 0 : ref.get().parkedRows())
                .description("Rows from peers waiting in the parking table").register(registry);
        FunctionCounter.builder("peersync.p2p.bytes", this.p2pBytesIn, LongSupplier::getAsLong)
                .description("Bytes through the P2P transport").baseUnit("bytes").tag("direction", "in")
                .register(registry);
        FunctionCounter.builder("peersync.p2p.bytes", this.p2pBytesOut, LongSupplier::getAsLong)
                .description("Bytes through the P2P transport").baseUnit("bytes").tag("direction", "out")
                .register(registry);
    }

    /** Takes a status snapshot and updates every gauge from it; called before each scrape. */
    public void refresh() {
        EngineStatus now = status.get();
        last.set(now);
        List<PeerSyncStatus> peers = now.peers();
        lag.register(peers.stream().map(p -> MultiGauge.Row.of(tags(p), seconds(Math.max(0, p.lagMillis())))).toList(),
                true);
        skew.register(peers.stream().map(p -> MultiGauge.Row.of(tags(p), seconds(p.clockSkewMillis()))).toList(), true);
        schemaDrift.register(peers.stream().map(p -> MultiGauge.Row.of(tags(p), p.schemaDrift().size())).toList(), true);
        lagRows.register(peers.stream().filter(p -> p.lagRows() >= 0)
                .map(p -> MultiGauge.Row.of(tags(p), p.lagRows())).toList(), true);
        rtt.register(peers.stream().filter(p -> p.rttMillis() >= 0)
                .map(p -> MultiGauge.Row.of(tags(p), seconds(p.rttMillis()))).toList(), true);
        up.register(peers.stream().map(p -> MultiGauge.Row.of(tags(p).and("state",
                p.state().name().toLowerCase(Locale.ROOT)),
                p.state() == PeerState.ACTIVE ? 1 : 0)).toList(), true);
        for (PeerSyncStatus p : peers) {
            p.origins().forEach((origin, counts) -> {
                originRows(p, origin, "received").set(counts.received());
                originRows(p, origin, "applied").set(counts.applied());
                originRows(p, origin, "skipped").set(counts.skipped());
                originRows(p, origin, "parked").set(counts.parked());
            });
        }
    }

    private AtomicLong originRows(PeerSyncStatus peer, NodeId origin, String outcome) {
        return originRows.computeIfAbsent(peer.nodeId() + " " + origin + " " + outcome, key -> {
            AtomicLong value = new AtomicLong();
            FunctionCounter.builder("peersync.origin.rows", value, AtomicLong::doubleValue)
                    .description("Rows pulled from a peer, by the node that wrote them and what became of them")
                    .tags("peer", peer.nodeId().toString(), "origin", origin.toString(), "outcome", outcome)
                    .register(registry);
            return value;
        });
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }

    private static Tags tags(PeerSyncStatus peer) {
        return Tags.of("peer", peer.nodeId().toString(), "name", peer.name());
    }
}
