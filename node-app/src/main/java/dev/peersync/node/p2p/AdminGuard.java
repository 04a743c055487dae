package dev.peersync.node.p2p;

import dev.peersync.review.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * With ADMIN_TOKEN set, mutating /api/v1/p2p endpoints require {@code Authorization: Bearer <ADMIN_TOKEN>}.
 * Without it they answer clients on this host only (loopback), the way Redis's protected mode does: a stranger on
 * the network cannot add peers or turn sync off. Tokens are compared in constant time.
 */
public final class AdminGuard {
    private final Optional<byte[]> token;

    public AdminGuard(Optional<String> adminToken) {
        this.token = Objects.requireNonNull(adminToken, "adminToken").map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return token.isPresent();
    }

    /** Throws 401 unless the request carries the admin token; with no token configured, 403 unless on loopback. */
    public void check(Context ctx) {
        if (token.isEmpty()) {
            if (!fromLoopback(ctx)) {
                throw ApiException.forbidden("Without ADMIN_TOKEN this endpoint answers clients on the node's own "
                        + "host only; set ADMIN_TOKEN (`openssl rand -base64 48`) and send 'Authorization: Bearer "
                        + "<ADMIN_TOKEN>' to call it from elsewhere");
            }
            return;
        }
        if (bearer(ctx).isEmpty()) {
            throw ApiException.unauthorized("This endpoint requires 'Authorization: Bearer <ADMIN_TOKEN>'");
        }
        if (!carriesToken(ctx)) {
            throw ApiException.unauthorized("The admin token is not valid");
        }
    }

    /** True when a token is configured and {@code given} is it. */
    public boolean matches(String given) {
        return token.isPresent() && given != null
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.get());
    }

    /** True when a token is configured and the request carries it. */
    public boolean carriesToken(Context ctx) {
        return token.isPresent() && bearer(ctx)
                .map(given -> MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.get()))
                .orElse(false);
    }

    /** True when the client connected from this host (the TCP peer address, not a forwarded header). */
    public static boolean fromLoopback(Context ctx) {
        try {
            return java.net.InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        String prefix = "Bearer ";
        if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(prefix.length()).trim());
    }
}
