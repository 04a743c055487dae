package dev.peersync.node.p2p;

import dev.peersync.review.Problems;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.NodeId;
import dev.peersync.core.engine.SyncEngine;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.event.SyncListener;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.SyncStore;
import dev.peersync.review.ApiException;
import dev.peersync.node.http.NodeAccess;
import dev.peersync.node.ws.EventHub;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /api/v1/p2p/*} HTTP endpoints (the WebSocket is registered by {@code NodeHttp}).
 * Mutating endpoints pass the {@link AdminGuard}; {@code table-data} and {@code sync-table} need the admin token
 * or the {@link ClusterSignature} (peers call them), and are closed when neither is configured. A table outside
 * the synced set is 404, whatever the name contains: names are only ever compared with the store's list, never
 * put in SQL here.
 */
public final class P2pRoutes implements Consumer<JavalinConfig> {
    private static final Logger log = LoggerFactory.getLogger(P2pRoutes.class);
    public static final String PREFIX = "/api/v1/p2p";
    static final int DEFAULT_TABLE_DATA_LIMIT = 1000;
    static final int MAX_TABLE_DATA_LIMIT = 100_000;
    /** Bits of an HLC value below the physical milliseconds (sync-core: physical ms << 16 | logical counter). */
    private static final int HLC_LOGICAL_BITS = 16;

    private final SyncEngine engine;
    private final SyncStore store;
    private final StatusView status;
    private final LiveConfig liveConfig;
    private final PeerRegistrar peers;
    private final DiscoveryControl discovery;
    private final AdminGuard admin;
    private final NodeAccess access;
    private final ClusterSignature signature;
    private final SyncListener events;
    private final EventHub hub;
    private final ObjectMapper mapper;
    private final TableDataWriter tableData;

    /**
     * @param events receives the events of rows applied through sync-table (metrics and WebSocket)
     * @param hub    told when the status changed through an endpoint
     */
    public P2pRoutes(SyncEngine engine, StatusView status, LiveConfig liveConfig, PeerRegistrar peers,
                     DiscoveryControl discovery, AdminGuard admin, NodeAccess access, ClusterSignature signature,
                     SyncListener events, EventHub hub, ObjectMapper mapper) {
        this.access = Objects.requireNonNull(access, "access");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.store = engine.store();
        this.status = Objects.requireNonNull(status, "status");
        this.liveConfig = Objects.requireNonNull(liveConfig, "liveConfig");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.signature = Objects.requireNonNull(signature, "signature");
        this.events = Objects.requireNonNull(events, "events");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.tableData = new TableDataWriter(store, mapper.getFactory());
    }

    @Override
    public void accept(JavalinConfig config) {
        // Read-only, unauthenticated views: another node's dashboard reads them cross-origin to compare hashes,
        // from the origins CORS_ORIGINS allows (by default the loopback ones of local dashboards).
        config.routes.before(PREFIX + "/status", access::allowCrossOriginRead);
        config.routes.before(PREFIX + "/table-info/{table}", access::allowCrossOriginRead);
        config.routes.get(PREFIX + "/status", ctx -> ctx.json(status.render()));
        config.routes.post(PREFIX + "/sync/trigger", this::triggerSync);
        config.routes.post(PREFIX + "/peers", this::addPeer);
        config.routes.delete(PREFIX + "/peers/{id}", this::removePeer);
        config.routes.get(PREFIX + "/table-info/{table}", this::tableInfo);
        config.routes.get(PREFIX + "/table-data/{table}", this::tableData);
        config.routes.post(PREFIX + "/sync-table/{table}", this::syncTable);
        config.routes.get(PREFIX + "/config", ctx -> ctx.json(liveConfig.current()));
        config.routes.post(PREFIX + "/config", this::updateConfig);
        config.routes.post(PREFIX + "/discovery/refresh", this::refreshDiscovery);
    }

    private void triggerSync(Context ctx) {
        admin.check(ctx);
        if (!engine.settings().enabled()) {
            throw new ApiException(409, "sync_disabled", "P2P sync is disabled; enable it with POST " + PREFIX
                    + "/config {\"enable_p2p_sync\": true}", Map.of());
        }
        int reachable = engine.directory().reachable().size();
        engine.triggerSync();
        ctx.status(202).json(Map.of("triggered", true, "peers", reachable));
    }

    private void addPeer(Context ctx) {
        admin.check(ctx);
        JsonBodies.requireJsonContentType(ctx);
        PeerRegistrar.Added added = peers.add(PeerRequest.parse(mapper, ctx.body()));
        hub.statusChanged();
        Map<String, Object> body = new LinkedHashMap<>();
        if (added instanceof PeerRegistrar.Added.Connected connected) {
            ManualPeer peer = connected.peer();
            body.put("peer_id", peer.nodeId().toString());
            body.put("name", peer.name());
            body.put("host", peer.host());
            body.put("port", peer.apiPort());
            body.put("p2p_port", peer.p2pPort());
            body.put("status", "active");
            body.put("last_seen", Instant.now().toString());
            Problems.created(ctx, PREFIX + "/peers/" + peer.nodeId(), body);
        } else if (added instanceof PeerRegistrar.Added.Pending pending) {
            // Not reachable yet: kept and retried; listed under this id until it connects (then under its node id).
            body.put("peer_id", pending.id().toString());
            body.put("status", "pending");
            body.put("reason", pending.reason());
            body.put("next_attempt_at", pending.nextAttempt() == null ? null : pending.nextAttempt().toString());
            ctx.status(202).header("Location", PREFIX + "/peers/" + pending.id()).json(body);
        }
    }

    private void removePeer(Context ctx) {
        admin.check(ctx);
        String id = ctx.pathParam("id");
        NodeId nodeId;
        try {
            nodeId = NodeId.parse(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("id", "must be a peer's node id (UUID), got: '" + id + "'");
        }
        String forget = ctx.queryParam("forget");
        if (forget != null && !forget.equals("true") && !forget.equals("false")) {
            throw ApiException.invalidField("forget", "must be true or false, got: '" + forget + "'");
        }
        boolean forgotten = "true".equals(forget);
        boolean removed = peers.remove(nodeId);
        if (forgotten) {
            // For good: tombstone collection stops waiting for it (a peer that is gone and will not come back).
            store.forgetPeer(nodeId);
        } else if (!removed) {
            throw ApiException.missing("No peer " + nodeId + " is known", Map.of("peer_id", nodeId.toString()));
        }
        hub.statusChanged();
        ctx.json(Map.of("removed", nodeId.toString(), "forgotten", forgotten));
    }

    private String syncedTable(Context ctx) {
        String table = ctx.pathParam("table");
        if (!store.tables().contains(table)) {
            throw ApiException.missing("'" + table + "' is not a synced table; synced: " + store.tables(),
                    Map.of("table", table));
        }
        return table;
    }

    private void tableInfo(Context ctx) {
        String table = syncedTable(ctx);
        TableDigest digest = store.digest(table);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("table", table);
        body.put("hash", digest.rootHash());
        body.put("row_count", digest.rowCount());
        body.put("bucket_count", digest.bucketCount());
        body.put("max_hlc", digest.maxHlc());
        body.put("latest_version_time", digest.maxHlc() == 0 ? null
                : Instant.ofEpochMilli(digest.maxHlc() >>> HLC_LOGICAL_BITS).toString());
        ctx.json(body);
    }

    /**
     * Whole rows (password hashes included) and remote writes need proof, always: the admin token, or the cluster
     * signature over this very request (method, path, query, body, timestamp, nonce; each used once). With neither
     * configured nobody may call them (403 saying what to set).
     */
    private void checkRowAccess(Context ctx, byte[] body) {
        if (admin.carriesToken(ctx)) {
            return;
        }
        if (signature.enabled()) {
            signature.verify(new ClusterSignature.Request(ctx.method().name(), ctx.path(), ctx.queryString(), body),
                    ctx.header(ClusterSignature.HEADER), ctx.header(ClusterSignature.TIMESTAMP_HEADER),
                    ctx.header(ClusterSignature.NONCE_HEADER));
            return;
        }
        if (!admin.enabled()) {
            throw ApiException.forbidden(ctx.path() + " reads or writes whole rows (password hashes included) and "
                    + "needs proof: set ADMIN_TOKEN and send 'Authorization: Bearer <ADMIN_TOKEN>', or set "
                    + "CLUSTER_SECRET on every node and sign the request (docs/security.md)");
        }
        admin.check(ctx);
    }

    private void tableData(Context ctx) throws IOException {
        String table = syncedTable(ctx);
        checkRowAccess(ctx, new byte[0]);
        String after = ctx.queryParam("after");
        String limitText = ctx.queryParam("limit");
        int limit = DEFAULT_TABLE_DATA_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText.trim());
            } catch (NumberFormatException e) {
                throw ApiException.invalidField("limit", "must be a whole number in 1.." + MAX_TABLE_DATA_LIMIT);
            }
            if (limit < 1 || limit > MAX_TABLE_DATA_LIMIT) {
                throw ApiException.invalidField("limit", "must be in 1.." + MAX_TABLE_DATA_LIMIT + ", got: " + limit);
            }
        }
        if (after != null) {
            checkKeyText(after);
        }
        ctx.contentType("application/json");
        tableData.write(table, after == null ? "" : after, limit, ctx.outputStream());
    }

    private void checkKeyText(String after) {
        try {
            if (!mapper.readTree(after).isArray()) {
                throw ApiException.invalidField("after", "must be a primary key as a JSON array (a next_after value)");
            }
        } catch (JsonProcessingException e) {
            throw ApiException.invalidField("after", "must be a primary key as a JSON array (a next_after value)");
        }
    }

    private void syncTable(Context ctx) {
        String table = syncedTable(ctx);
        JsonBodies.requireJsonContentType(ctx);
        byte[] raw = ctx.bodyAsBytes();
        checkRowAccess(ctx, raw);
        SyncTableRequest request = SyncTableRequest.parse(mapper, table,
                new String(raw, StandardCharsets.UTF_8));
        if (request.peer().equals(engine.nodeId())) {
            throw ApiException.invalidField("peer_id", "is this node's own id");
        }
        ApplyResult result = store.applyRows(request.peer(), request.rows());
        for (SyncEvent event : result.eventsToPublish(Instant.now())) {
            events.onEvent(event);
        }
        if (result.applied() > 0) {
            events.onEvent(new SyncEvent.TableSynced(Instant.now(), request.peer(), table, result.applied()));
        }
        log.debug("sync-table {} from {}: {} applied, {} skipped, {} parked", table, request.peer(),
                result.applied(), result.skipped(), result.parked());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("table", table);
        body.put("received", request.rows().size());
        body.put("applied", result.applied());
        body.put("skipped", result.skipped());
        body.put("parked", result.parked());
        ctx.json(body);
    }

    private void updateConfig(Context ctx) {
        admin.check(ctx);
        JsonBodies.requireJsonContentType(ctx);
        Map<String, Object> now = liveConfig.update(ctx.body());
        hub.statusChanged();
        ctx.json(now);
    }

    private void refreshDiscovery(Context ctx) {
        admin.check(ctx);
        if (!discovery.refresh()) {
            throw new ApiException(409, "discovery_disabled", "Automatic discovery is off; enable it with POST "
                    + PREFIX + "/config {\"enable_auto_discovery\": true}", Map.of());
        }
        ctx.status(202).json(Map.of("refreshed", true, "peers", engine.directory().all().size()));
    }
}
