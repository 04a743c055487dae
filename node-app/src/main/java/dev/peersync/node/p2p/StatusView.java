package dev.peersync.node.p2p;

import dev.peersync.core.engine.EngineStatus;
import dev.peersync.core.engine.PeerSyncStatus;
import dev.peersync.core.engine.SyncEngine;
import dev.peersync.core.engine.TableSyncStatus;
import dev.peersync.node.SoftwareVersion;
import dev.peersync.node.ws.EventMessages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The body of {@code GET /api/v1/p2p/status} (and of WebSocket status messages):
 * <pre>
 * {"node_id","node_name","api_version","cluster_id","auth_mode":"hmac"|"protected","warnings":[...],
 *  "ports":{"api","p2p","discovery"},"uptime_seconds","started_at",
 *  "config":{"sync_interval","enable_p2p_sync","enable_auto_discovery"},
 *  "peers":[{"peer_id","name","host","api_port","p2p_port","status","origin","last_seen","connected",
 *            "last_sync_at","last_error","lag_ms","lag_rows","clock_skew_ms","rtt_ms","rows_applied","rounds",
 *            "schema_drift":["products.sku: only here"|"...: only on the peer"],
 *            "origins":[{"origin","received","applied","skipped","parked"}]}],
 *  "tables":[{"table","rows_applied","rows_served","last_applied_at"}],
 *  "counters":{"sync_rounds","conflicts","parked_rows","rows_applied","rows_served"},
 *  "join":{"peer","table","rows_loaded","rows_total","percent","rows_per_second","eta_seconds","tables":[...]}|null}
 * </pre>
 */
public final class StatusView {
    private final SyncEngine engine;
    private final DiscoveryControl discovery;
    private final String clusterId;
    private final boolean open;
    /** The dashboard asks for the token before the WebSocket, which needs it, can open. */
    private final boolean adminTokenRequired;
    private final IntSupplier apiPort;
    private final int discoveryPort;
    private final Instant startedAt;
    private final Clock clock;
    private final java.util.function.Supplier<List<Map<String, Object>>> pendingPeers;

    public StatusView(SyncEngine engine, DiscoveryControl discovery, String clusterId, boolean open,
                      boolean adminTokenRequired, IntSupplier apiPort, int discoveryPort, Instant startedAt,
                      Clock clock, java.util.function.Supplier<List<Map<String, Object>>> pendingPeers) {
        this.pendingPeers = Objects.requireNonNull(pendingPeers, "pendingPeers");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.open = open;
        this.adminTokenRequired = adminTokenRequired;
        this.apiPort = Objects.requireNonNull(apiPort, "apiPort");
        this.discoveryPort = discoveryPort;
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Map<String, Object> render() {
        EngineStatus status = engine.status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node_id", status.nodeId().toString());
        body.put("node_name", status.nodeName());
        body.put("api_version", SoftwareVersion.VALUE);
        body.put("cluster_id", clusterId);
        body.put("auth_mode", open ? "protected" : "hmac");
        List<String> warnings = new ArrayList<>();
        if (open) {
            warnings.add("CLUSTER_SECRET is not set: protected mode, peers on this host only; set the same "
                    + "CLUSTER_SECRET on every node to sync across hosts");
        }
        body.put("warnings", warnings);
        body.put("admin_token_required", adminTokenRequired);
        Map<String, Object> ports = new LinkedHashMap<>();
        ports.put("api", apiPort.getAsInt());
        ports.put("p2p", engine.p2pAddress() == null ? 0 : engine.p2pAddress().getPort());
        ports.put("discovery", discoveryPort);
        body.put("ports", ports);
        body.put("started_at", startedAt.toString());
        body.put("uptime_seconds", Duration.between(startedAt, clock.instant()).toSeconds());
        body.put("config", LiveConfig.view(status.enabled(), status.syncInterval(), discovery.enabled()));
        body.put("peers", status.peers().stream().map(StatusView::peer).toList());
        // Manual peers not reached yet: retried with backoff, each with why it is not connected yet.
        body.put("pending_peers", pendingPeers.get());
        body.put("tables", status.tables().stream().map(StatusView::table).toList());
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("sync_rounds", status.rounds());
        counters.put("conflicts", status.conflicts());
        counters.put("parked_rows", status.parkedRows());
        counters.put("rows_applied", status.rowsApplied());
        counters.put("rows_served", status.rowsServed());
        body.put("counters", counters);
        // A snapshot join running now (the node answers /ready with 503 meanwhile); null when none runs.
        body.put("join", engine.joinProgress().map(p -> JoinProgressView.render(p, clock.instant())).orElse(null));
        // Long pull rounds running now (catch-ups after a partition or a pause), with the peer's estimate of the rest.
        body.put("catch_ups", engine.catchUps().stream().map(p -> JoinProgressView.render(p, clock.instant())).toList());
        return body;
    }

    private static Map<String, Object> peer(PeerSyncStatus p) {
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("peer_id", p.nodeId().toString());
        peer.put("name", p.name());
        peer.put("host", p.host());
        peer.put("api_port", p.apiPort());
        peer.put("p2p_port", p.p2pPort());
        peer.put("status", EventMessages.stateName(p.state()));
        peer.put("origin", p.origin().name().toLowerCase(Locale.ROOT));
        peer.put("last_seen", text(p.lastSeen()));
        peer.put("connected", p.connected());
        peer.put("last_sync_at", text(p.lastSyncAt()));
        peer.put("last_error", p.lastError());
        peer.put("lag_ms", p.lagMillis());
        peer.put("lag_rows", p.lagRows() < 0 ? null : p.lagRows());
        peer.put("clock_skew_ms", p.clockSkewMillis());
        peer.put("rtt_ms", p.rttMillis());
        peer.put("rows_applied", p.rowsApplied());
        peer.put("rounds", p.rounds());
        // A migration rolled out node by node: columns only one side has (rows cross; the other side's default).
        peer.put("schema_drift", p.schemaDrift());
        // Rows pulled from this peer by the node that wrote them: the peer's own, and those it relayed. "skipped":
        // already held (in a mesh, a row that came from its origin first and then again by relay).
        peer.put("origins", p.origins().entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            Map<String, Object> origin = new LinkedHashMap<>();
            origin.put("origin", e.getKey().toString());
            origin.put("received", e.getValue().received());
            origin.put("applied", e.getValue().applied());
            origin.put("skipped", e.getValue().skipped());
            origin.put("parked", e.getValue().parked());
            return origin;
        }).toList());
        return peer;
    }

    private static Map<String, Object> table(TableSyncStatus t) {
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("table", t.table());
        table.put("rows_applied", t.rowsApplied());
        table.put("rows_served", t.rowsServed());
        table.put("last_applied_at", text(t.lastAppliedAt()));
        return table;
    }

    /** ISO-8601 text, or null (JSON null) when the moment has not happened yet. */
    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
