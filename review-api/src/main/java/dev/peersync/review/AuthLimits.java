package dev.peersync.review;

import java.time.Duration;
import java.util.Objects;

/**
 * How often sign-in and registration may be tried, each limit refilled evenly over {@code period}: a burst of the
 * full count, then one every {@code period / count}.
 *
 * @param loginsPerUsername       sign-in attempts per username (online password guessing)
 * @param loginsPerAddress        sign-in attempts per client address
 * @param registrationsPerAddress registrations per client address (each costs a bcrypt hash)
 */
public record AuthLimits(int loginsPerUsername, int loginsPerAddress, int registrationsPerAddress, Duration period) {
    /** 10 sign-ins per username and 60 per address, 20 registrations per address, per minute. */
    public static final AuthLimits DEFAULT = new AuthLimits(10, 60, 20, Duration.ofMinutes(1));

    public AuthLimits {
        Objects.requireNonNull(period, "period");
        if (loginsPerUsername < 1 || loginsPerAddress < 1 || registrationsPerAddress < 1) {
            throw new IllegalArgumentException("every limit must be at least 1, got " + loginsPerUsername + ", "
                    + loginsPerAddress + ", " + registrationsPerAddress);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
    }
}
