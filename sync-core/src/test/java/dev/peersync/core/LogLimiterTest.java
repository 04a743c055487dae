package dev.peersync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogLimiterTest {
    private final LogLimiter limiter = new LogLimiter(LoggerFactory.getLogger(LogLimiterTest.class), 2, Duration.ofHours(1));

    @Test
    void allows_the_budget_per_key_then_suppresses_and_counts() {
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isEqualTo(-1);
        assertThat(limiter.tryAcquire("a")).isEqualTo(-1);
        assertThat(limiter.tryAcquire("b")).as("another key has its own budget").isZero();
    }

    @Test
    void the_next_window_reports_what_was_suppressed() {
        LogLimiter quick = new LogLimiter(LoggerFactory.getLogger(LogLimiterTest.class), 1, Duration.ofMillis(50));
        assertThat(quick.tryAcquire("k")).isZero();
        assertThat(quick.tryAcquire("k")).isEqualTo(-1);
        assertThat(quick.tryAcquire("k")).isEqualTo(-1);
        int next = Await.until("the next window of key k", Duration.ofSeconds(5), () -> quick.tryAcquire("k"), n -> n >= 0);
        assertThat(next).as("lines suppressed in the window before, reported with the next one").isGreaterThanOrEqualTo(2);
    }

    @Test
    void a_budget_below_one_or_an_empty_window_is_refused() {
        assertThatThrownBy(() -> new LogLimiter(LoggerFactory.getLogger(LogLimiterTest.class), 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LogLimiter(LoggerFactory.getLogger(LogLimiterTest.class), 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
