package dev.peersync.review;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the review API.
 *
 * @param jwtSecret    HMAC-SHA256 key for access tokens (configuration {@code JWT_SECRET}); every node of a cluster
 *                     must use the same one so that a token issued by one node is accepted by all. At least 32 bytes.
 * @param tokenTtl     lifetime of an access token
 * @param maxBodyBytes largest accepted request body; bigger bodies get 413
 * @param bcryptCost   bcrypt work factor for password hashes (4..31; 10 or more in production)
 * @param adminToken   the operator's ADMIN_TOKEN: a request bearing it acts as admin (for no user)
 * @param authLimits   throttling of sign-in and registration
 */
public record ReviewApiSettings(String jwtSecret, Duration tokenTtl, long maxBodyBytes, int bcryptCost,
                                Optional<String> adminToken, AuthLimits authLimits) {
    public static final int MIN_SECRET_BYTES = 32;
    /** Largest JSON body of a review API route, whatever the app-wide {@code maxBodyBytes}. */
    public static final long MAX_JSON_BODY_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_BCRYPT_COST = 10;

    public ReviewApiSettings {
        Objects.requireNonNull(jwtSecret, "jwtSecret (JWT_SECRET) must be set");
        int secretBytes = jwtSecret.getBytes(StandardCharsets.UTF_8).length;
        if (secretBytes < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes, got "
                    + secretBytes + "; use the same random value on every node, e.g. `openssl rand -base64 48`");
        }
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        if (tokenTtl.toSeconds() < 1 || tokenTtl.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("tokenTtl must be between 1 second and 30 days, got " + tokenTtl);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024, got " + maxBodyBytes);
        }
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(authLimits, "authLimits");
        if (bcryptCost < 4 || bcryptCost > 31) {
            throw new IllegalArgumentException("bcryptCost must be between 4 and 31, got " + bcryptCost);
        }
    }

    /** Default settings (1 h tokens, 1 MiB bodies, bcrypt cost 10) with the given secret. */
    public static ReviewApiSettings defaults(String jwtSecret) {
        return new ReviewApiSettings(jwtSecret, DEFAULT_TOKEN_TTL, DEFAULT_MAX_BODY_BYTES, DEFAULT_BCRYPT_COST,
                Optional.empty(), AuthLimits.DEFAULT);
    }

    /** A builder starting from {@link #defaults}. */
    public static Builder builder(String jwtSecret) {
        return new Builder(jwtSecret);
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder(jwtSecret).tokenTtl(tokenTtl).maxBodyBytes(maxBodyBytes).bcryptCost(bcryptCost)
                .adminToken(adminToken).authLimits(authLimits);
    }

    /** Settings changed one at a time; {@link #build} checks them all. */
    public static final class Builder {
        private final String jwtSecret;
        private Duration tokenTtl = DEFAULT_TOKEN_TTL;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int bcryptCost = DEFAULT_BCRYPT_COST;
        private Optional<String> adminToken = Optional.empty();
        private AuthLimits authLimits = AuthLimits.DEFAULT;

        private Builder(String jwtSecret) {
            this.jwtSecret = jwtSecret;
        }

        public Builder tokenTtl(Duration value) {
            tokenTtl = value;
            return this;
        }

        public Builder maxBodyBytes(long value) {
            maxBodyBytes = value;
            return this;
        }

        public Builder bcryptCost(int value) {
            bcryptCost = value;
            return this;
        }

        public Builder authLimits(AuthLimits value) {
            authLimits = value;
            return this;
        }

        public Builder adminToken(Optional<String> value) {
            adminToken = value;
            return this;
        }

        public ReviewApiSettings build() {
            return new ReviewApiSettings(jwtSecret, tokenTtl, maxBodyBytes, bcryptCost, adminToken, authLimits);
        }
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "ReviewApiSettings[jwtSecret=<hidden>, tokenTtl=" + tokenTtl + ", maxBodyBytes=" + maxBodyBytes
                + ", bcryptCost=" + bcryptCost + ", adminToken=" + (adminToken.isPresent() ? "<set>" : "none")
                + ", authLimits=" + authLimits + "]";
    }
}
