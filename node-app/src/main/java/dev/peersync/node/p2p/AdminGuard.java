package dev.peersync.node.p2p;

import dev.peersync.node.http.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * With ADMIN_TOKEN set, mutating /api/v1/p2p endpoints require {@code Authorization: Bearer <ADMIN_TOKEN>}.
 * Without it they are open (the node logs so at start). Tokens are compared in constant time.
 */
public final class AdminGuard {
    private final Optional<byte[]> token;

    public AdminGuard(Optional<String> adminToken) {
        this.token = Objects.requireNonNull(adminToken, "adminToken").map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return token.isPresent();
    }

    /** Throws 401 unless the request carries the admin token (or no token is configured). */
    public void check(Context ctx) {
        if (token.isEmpty()) {
            return;
        }
        if (bearer(ctx).isEmpty()) {
            throw ApiException.unauthorized("This endpoint requires 'Authorization: Bearer <ADMIN_TOKEN>'");
        }
        if (!carriesToken(ctx)) {
            throw ApiException.unauthorized("The admin token is not valid");
        }
    }

    /** True when a token is configured and the request carries it. */
    public boolean carriesToken(Context ctx) {
        return token.isPresent() && bearer(ctx)
                .map(given -> MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.get()))
                .orElse(false);
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
