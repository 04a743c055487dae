package dev.peersync.review.internal.auth;

import dev.peersync.review.internal.web.ApiException;
import io.javalin.http.Context;

/** Finds the caller of a request from its {@code Authorization: Bearer <token>} header. */
public final class Authenticator {
    private static final String BEARER = "bearer ";

    private final TokenService tokens;

    public Authenticator(TokenService tokens) {
        this.tokens = tokens;
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
        return tokens.verify(header.substring(BEARER.length()).strip());
    }
}
