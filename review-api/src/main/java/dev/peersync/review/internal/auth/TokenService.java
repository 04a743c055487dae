package dev.peersync.review.internal.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.peersync.review.ApiException;
import dev.peersync.review.internal.web.Params;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Issues and verifies HS256 access tokens. The key is the cluster-wide {@code JWT_SECRET}, so a token
 * issued by any node verifies on every node. Subject: user id; claim {@code username}.
 */
public final class TokenService {
    public static final String ISSUER = "peersync-review-api";
    /** Tolerates clock differences between the node that issued a token and the node checking it. */
    private static final long LEEWAY_SECONDS = 30;

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration ttl;
    private final Clock clock;

    public TokenService(String secret, Duration ttl, Clock clock) {
        this.algorithm = Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8));
        this.ttl = ttl;
        this.clock = clock;
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(ISSUER)
                .withClaimPresence("username")
                .acceptLeeway(LEEWAY_SECONDS))
                .build(clock);
    }

    public Duration ttl() {
        return ttl;
    }

    public String issue(Principal principal) {
        Instant now = clock.instant();
        return JWT.create()
                .withIssuer(ISSUER)
                .withSubject(principal.userId().toString())
                .withClaim("username", principal.username())
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .sign(algorithm);
    }

    /** The caller named by a valid token; 401 for anything else (bad signature, expired, malformed). */
    public Principal verify(String token) {
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (JWTVerificationException e) {
            throw ApiException.unauthorized("invalid access token: " + e.getMessage());
        }
        try {
            UUID userId = Params.parseUuid(jwt.getSubject() == null ? "" : jwt.getSubject());
            return new Principal(userId, jwt.getClaim("username").asString());
        } catch (IllegalArgumentException e) {
            throw ApiException.unauthorized("invalid access token: subject is not a user id");
        }
    }
}
