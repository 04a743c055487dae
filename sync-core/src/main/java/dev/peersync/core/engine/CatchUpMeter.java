package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one long pull round (a catch-up) against the peer's estimates of the rows still waiting
 * ({@code ChangeBatch.remaining}): reports at the {@link ReportCadence} like {@link JoinMeter}, but only once the
 * round has run for a second (short rounds, the usual ones, report nothing).
 */
final class CatchUpMeter {
    private static final Logger log = LoggerFactory.getLogger(CatchUpMeter.class);

    private final NodeId peer;
    private final Clock clock;
    private final Consumer<SyncEvent> events;
    private final Instant startedAt;
    private final Map<String, long[]> tables = new LinkedHashMap<>(); // name -> {applied, remaining}
    private final ReportCadence cadence;
    private Instant lastEstimate;
    private boolean reported;

    CatchUpMeter(NodeId peer, Clock clock, Consumer<SyncEvent> events) {
        this.peer = peer;
        this.clock = clock;
        this.events = events;
        this.startedAt = clock.instant();
        this.cadence = new ReportCadence(startedAt);
        this.lastEstimate = startedAt;
    }

    /** True when the next pull should ask the peer for a new estimate (at the start, then every second). */
    synchronized boolean estimateDue() {
        Instant now = clock.instant();
        if (tables.isEmpty() || Duration.between(lastEstimate, now).compareTo(ReportCadence.EVERY) >= 0) {
            lastEstimate = now;
            return true;
        }
        return false;
    }

    /** One applied batch: the rows it applied per table, and the peer's estimate that came with it (may be empty). */
    synchronized void applied(Map<String, Integer> perTable, Map<String, Long> remaining) {
        perTable.forEach((table, n) -> {
            long[] counts = tables.computeIfAbsent(table, t -> new long[2]);
            counts[0] += n;
            if (remaining.isEmpty()) {
                counts[1] = Math.max(0, counts[1] - n); // no new estimate: what this batch brought is no longer waiting
            }
        });
        remaining.forEach((table, n) -> tables.computeIfAbsent(table, t -> new long[2])[1] = n);
        Instant now = clock.instant();
        if (cadence.reportDue(now)) {
            reported = true;
            JoinProgress progress = progress(false);
            if (cadence.logDue(now)) {
                Duration eta = progress.eta(now);
                log.info("Catching up with {}: {} row(s) applied, about {} to go ({}%), {} rows/s, about {} s left",
                        peer, progress.rowsLoaded(), progress.rowsTotal() - progress.rowsLoaded(),
                        Math.round(progress.percent()), Math.round(progress.rowsPerSecond(now)),
                        eta == null ? "?" : eta.toSeconds());
            }
            events.accept(new SyncEvent.ProgressReported(now, progress));
        }
    }

    /** The round ended: a last report, if it ran long enough to report at all. */
    synchronized void finish() {
        if (reported) {
            tables.values().forEach(counts -> counts[1] = 0);
            events.accept(new SyncEvent.ProgressReported(clock.instant(), progress(true)));
        }
    }

    /** Rows still waiting at the last estimate, in all. */
    synchronized long remaining() {
        return tables.values().stream().mapToLong(counts -> counts[1]).sum();
    }

    synchronized JoinProgress progress(boolean done) {
        List<JoinProgress.Table> list = new ArrayList<>();
        tables.forEach((name, c) -> list.add(new JoinProgress.Table(name, c[0], c[0] + c[1])));
        return new JoinProgress(JoinProgress.Kind.CATCH_UP, peer, startedAt, "", list, done);
    }

    synchronized boolean reported() {
        return reported;
    }
}
