package dev.peersync.review.internal.auth;

import dev.peersync.review.AuthLimits;
import dev.peersync.review.ApiException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Throttles sign-in and registration with token buckets (Bucket4j): logins per username (online password guessing)
 * and per client address, registrations per client address (bcrypt at cost 10 makes each one cost CPU). A refusal
 * is 429 with {@code Retry-After}, checked before any password is hashed. Buckets are kept for the most recently
 * seen {@value #MAX_KEYS} keys of each kind, so a flood of invented names cannot exhaust memory; the per-address
 * limit still holds while names rotate. The address is the TCP peer (forwarded headers are not trusted).
 */
public final class AuthThrottle {
    static final int MAX_KEYS = 10_000;

    private final AuthLimits limits;
    private final Buckets loginsByUsername;
    private final Buckets loginsByAddress;
    private final Buckets registrationsByAddress;

    public AuthThrottle(AuthLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.loginsByUsername = new Buckets(limits.loginsPerUsername(), limits.period());
        this.loginsByAddress = new Buckets(limits.loginsPerAddress(), limits.period());
        this.registrationsByAddress = new Buckets(limits.registrationsPerAddress(), limits.period());
    }

    /** 429 when this address or this username has tried to sign in too often. */
    public void login(Context ctx, String username) {
        take(ctx, loginsByAddress, "address:" + ctx.ip(), "sign-in attempts from this address");
        if (username != null) {
            take(ctx, loginsByUsername, username.toLowerCase(Locale.ROOT), "sign-in attempts for this username");
        }
    }

    /** 429 when this address has registered too often. */
    public void register(Context ctx) {
        take(ctx, registrationsByAddress, "address:" + ctx.ip(), "registrations from this address");
    }

    private void take(Context ctx, Buckets buckets, String key, String what) {
        ConsumptionProbe probe = buckets.get(key).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiException(429, "too_many_requests", "too many " + what + " (at most "
                    + buckets.capacity + " per " + limits.period().toSeconds() + " s); retry after " + seconds + " s",
                    Map.of("retry_after_seconds", seconds));
        }
    }

    /** One bucket per key, least recently used keys forgotten beyond {@link #MAX_KEYS}. */
    private static final class Buckets {
        private final int capacity;
        private final Duration period;
        private final Map<String, Bucket> byKey = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > MAX_KEYS;
            }
        };

        Buckets(int capacity, Duration period) {
            this.capacity = capacity;
            this.period = period;
        }

        synchronized Bucket get(String key) {
            return byKey.computeIfAbsent(key, k -> Bucket.builder()
                    .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, period))
                    .build());
        }
    }
}
