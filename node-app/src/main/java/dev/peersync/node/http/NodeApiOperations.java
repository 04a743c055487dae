package dev.peersync.node.http;

import static dev.peersync.review.openapi.ApiOperation.Access.ADMIN;
import static dev.peersync.review.openapi.ApiOperation.Access.PUBLIC;
import static dev.peersync.review.openapi.ApiOperation.of;

import dev.peersync.review.ReviewApiOperations;
import dev.peersync.review.openapi.ApiOperation;
import dev.peersync.review.openapi.ApiOperation.Body;
import java.util.ArrayList;
import java.util.List;

/** The node's own operations (/api/v1/p2p, /metrics, the API description), after the review API's. */
public final class NodeApiOperations {
    private static final String P2P = "/api/v1/p2p";

    private NodeApiOperations() {
    }

    public static List<ApiOperation> all() {
        List<ApiOperation> all = new ArrayList<>(ReviewApiOperations.all());
        all.addAll(List.of(
                of("GET", P2P + "/status", "p2p", "Node, peers (and pending ones), tables, counters, a running join",
                        PUBLIC, null, Body.free("see docs/operations.md"), 200),
                of("POST", P2P + "/sync/trigger", "p2p", "Pull from every reachable peer now", ADMIN, null,
                        Body.free("{triggered, peers}"), 202),
                of("POST", P2P + "/peers", "p2p", "Add a manual peer (201 connected, 202 kept as pending)", ADMIN,
                        Body.free("{host, port (the peer's API port), p2p_port, peer_id, last_seen, api_version, status}"),
                        Body.free("{peer_id, name, host, port, p2p_port, status, last_seen} or {peer_id, status: pending,"
                                + " reason, next_attempt_at}"), 201),
                of("DELETE", P2P + "/peers/{id}", "p2p", "Remove a peer or a pending one (?forget=true: for good)",
                        ADMIN, null, Body.free("{removed, forgotten}"), 200),
                of("GET", P2P + "/table-info/{table}", "p2p", "A synced table's digest", PUBLIC, null,
                        Body.free("{table, hash, row_count, bucket_count, max_hlc, latest_version_time}"), 200),
                of("GET", P2P + "/table-data/{table}", "p2p", "Whole rows of a synced table (admin or cluster"
                        + " signature)", ADMIN, null, Body.free("{table, rows, next_after}"), 200),
                of("POST", P2P + "/sync-table/{table}", "p2p", "Apply rows with their versions (admin or cluster"
                        + " signature)", ADMIN, Body.free("{peer_id, rows: [{pk, hlc, origin, data | deleted}]}"),
                        Body.free("{applied, skipped, parked}"), 200),
                of("GET", P2P + "/config", "p2p", "Live settings", PUBLIC, null,
                        Body.free("{enable_p2p_sync, sync_interval, enable_auto_discovery}"), 200),
                of("POST", P2P + "/config", "p2p", "Change live settings", ADMIN,
                        Body.free("{enable_p2p_sync, sync_interval, enable_auto_discovery}"), Body.free("the settings"),
                        200),
                of("POST", P2P + "/discovery/refresh", "p2p", "Announce now and re-check known peers", ADMIN, null,
                        Body.free("{refreshed}"), 202),
                of("GET", P2P + "/conflicts", "p2p", "The conflict log, newest first (admin token)", ADMIN, null,
                        Body.free("{items, next_before}"), 200),
                of("GET", "/metrics", "operations", "Prometheus metrics (admin token when one is set)", PUBLIC, null,
                        Body.free("Prometheus text format"), 200),
                of("GET", ApiDocs.OPENAPI_PATH, "operations", "This document", PUBLIC, null,
                        Body.free("OpenAPI 3.1"), 200),
                of("GET", ApiDocs.DOCS_PATH, "operations", "Swagger UI for this document", PUBLIC, null,
                        Body.free("text/html"), 200)));
        return all;
    }
}
