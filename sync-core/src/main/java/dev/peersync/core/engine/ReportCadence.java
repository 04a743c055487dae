package dev.peersync.core.engine;

import java.time.Duration;
import java.time.Instant;

/** When a long piece of work reports its progress: an event every second, a log line every five. */
final class ReportCadence {
    static final Duration EVERY = Duration.ofSeconds(1);
    static final Duration LOG_EVERY = Duration.ofSeconds(5);

    private Instant lastReport;
    private Instant lastLog;

    ReportCadence(Instant start) {
        this.lastReport = start;
        this.lastLog = start;
    }

    /** True (and counted) when a progress event is due at {@code now}. */
    boolean reportDue(Instant now) {
        if (Duration.between(lastReport, now).compareTo(EVERY) < 0) {
            return false;
        }
        lastReport = now;
        return true;
    }

    /** True (and counted) when a log line is due at {@code now}. */
    boolean logDue(Instant now) {
        if (Duration.between(lastLog, now).compareTo(LOG_EVERY) < 0) {
            return false;
        }
        lastLog = now;
        return true;
    }
}
