package dev.peersync.node.http;

import dev.peersync.review.ApiException;

import dev.peersync.node.p2p.AdminGuard;
import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who may reach the node's own HTTP surfaces besides the review API and the p2p endpoints: {@code /metrics} and the
 * WebSocket need the admin token when one is set; the WebSocket refuses pages of foreign origins (a browser sends
 * any site's page's socket with the operator's network position); and cross-origin reads of the read-only p2p
 * views are allowed only to configured origins (CORS_ORIGINS), by default the loopback origins of local dashboards.
 */
public final class NodeAccess {
    /** Query parameter carrying the admin token on the WebSocket: browsers cannot set headers on one. */
    public static final String WS_TOKEN_PARAM = "token";

    private final AdminGuard admin;
    private final List<String> allowedOrigins;

    /** @param allowedOrigins CORS_ORIGINS; empty for the loopback origins (any port) */
    public NodeAccess(AdminGuard admin, List<String> allowedOrigins) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    }

    /** 401 unless the scrape carries the admin token, when one is set. */
    public void checkMetrics(Context ctx) {
        if (admin.enabled() && !admin.carriesToken(ctx)) {
            throw ApiException.unauthorized("/metrics requires 'Authorization: Bearer <ADMIN_TOKEN>' (Prometheus: "
                    + "authorization.credentials in the scrape config)");
        }
    }

    /** Before the WebSocket upgrade: 403 for a foreign page, 401 without the admin token when one is set. */
    public void checkWebSocket(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !sameOrigin(ctx, origin) && !allowed(origin)) {
            throw ApiException.forbidden("WebSocket from origin '" + origin + "' refused: only this node's own "
                    + "pages and CORS_ORIGINS may open it");
        }
        if (admin.enabled() && !admin.carriesToken(ctx) && !admin.matches(ctx.queryParam(WS_TOKEN_PARAM))) {
            throw ApiException.unauthorized("The WebSocket requires the admin token: 'Authorization: Bearer "
                    + "<ADMIN_TOKEN>' or ?" + WS_TOKEN_PARAM + "=<ADMIN_TOKEN>");
        }
    }

    /** Lets an allowed origin read this response cross-origin (read-only views only). */
    public void allowCrossOriginRead(Context ctx) {
        String origin = ctx.header("Origin");
        ctx.header("Vary", "Origin");
        if (origin != null && allowed(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
        }
    }

    private boolean allowed(String origin) {
        String normalized = origin.toLowerCase(Locale.ROOT);
        if (!allowedOrigins.isEmpty()) {
            return allowedOrigins.contains(normalized);
        }
        try {
            URI uri = URI.create(normalized);
            String host = uri.getHost();
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && host != null
                    && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"))
                    && (uri.getPath() == null || uri.getPath().isEmpty());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean sameOrigin(Context ctx, String origin) {
        String host = ctx.header("Host");
        return host != null
                && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }
}
