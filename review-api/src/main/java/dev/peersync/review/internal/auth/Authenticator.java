package dev.peersync.review.internal.auth;

import dev.peersync.review.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Finds the caller of a request from its {@code Authorization: Bearer <token>} header: the operator's ADMIN_TOKEN
 * (compared in constant time) makes an admin for no user; otherwise an access token names a user, whose admin
 * role is read from the database on each request (so a revoked role takes effect at once, on every node once
 * synced).
 */
public final class Authenticator {
    private static final String BEARER = "bearer ";

    private final TokenService tokens;
    private final Optional<byte[]> adminToken;
    private final Predicate<UUID> isAdmin;

    public Authenticator(TokenService tokens) {
        this(tokens, Optional.empty(), id -> false);
    }

    /** @param isAdmin whether a user holds the admin role now */
    public Authenticator(TokenService tokens, Optional<String> adminToken, Predicate<UUID> isAdmin) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.adminToken = adminToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.isAdmin = Objects.requireNonNull(isAdmin, "isAdmin");
    }

    /** The caller, or 401 when the header is missing or the token is not valid. */
    public Principal require(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized("authentication required: send 'Authorization: Bearer <access_token>' "
                    + "(get one from POST /api/v1/auth/login)");
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ApiException.unauthorized("the Authorization header must be 'Bearer <access_token>'");
        }
        String token = header.substring(BEARER.length()).strip();
        if (adminToken.isPresent()
                && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), adminToken.get())) {
            return Principal.operator();
        }
        Principal user = tokens.verify(token);
        return user.withAdmin(isAdmin.test(user.userId()));
    }

    /** The caller when the request is authenticated, empty when it carries no Authorization header. */
    public Optional<Principal> optional(Context ctx) {
        String header = ctx.header("Authorization");
        return header == null || header.isBlank() ? Optional.empty() : Optional.of(require(ctx));
    }
}
