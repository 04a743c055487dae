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
 * Counts one snapshot join's rows against the peer's totals, and reports: a {@link SyncEvent.ProgressReported} event
 * every {@link #EVERY} (a dashboard's progress bar moves with them) and a log line every {@link #LOG_EVERY}; the
 * latest {@link JoinProgress} is what status shows.
 */
final class JoinMeter {
    private static final Logger log = LoggerFactory.getLogger(JoinMeter.class);

    private final NodeId peer;
    private final Clock clock;
    private final Consumer<SyncEvent> events;
    private final Instant startedAt;
    private final Map<String, long[]> tables = new LinkedHashMap<>(); // name -> {loaded, total}
    private String current = "";
    private final ReportCadence cadence;

    /** {@code totals}: the peer's live rows per table, in load order (a table it could not count: 0). */
    JoinMeter(NodeId peer, Map<String, Long> totals, Clock clock, Consumer<SyncEvent> events) {
        this.peer = peer;
        this.clock = clock;
        this.events = events;
        this.startedAt = clock.instant();
        this.cadence = new ReportCadence(startedAt);
        totals.forEach((table, total) -> tables.put(table, new long[] {0, total}));
    }

    synchronized void loaded(String table, int rows) {
        current = table;
        tables.computeIfAbsent(table, t -> new long[2])[0] += rows;
        Instant now = clock.instant();
        if (cadence.reportDue(now)) {
            report(now, false);
        }
    }

    /** The last report: the join ended (done or stopped). */
    synchronized void finish() {
        current = "";
        report(clock.instant(), true);
    }

    synchronized JoinProgress progress() {
        return progress(false);
    }

    private JoinProgress progress(boolean done) {
        List<JoinProgress.Table> list = new ArrayList<>();
        tables.forEach((name, counts) -> list.add(new JoinProgress.Table(name, counts[0], counts[1])));
        return new JoinProgress(JoinProgress.Kind.JOIN, peer, startedAt, current, list, done);
    }

    private void report(Instant now, boolean done) {
        JoinProgress progress = progress(done);
        if (!done && cadence.logDue(now)) {
            Duration eta = progress.eta(now);
            log.info("Snapshot join from {}: {} of {} row(s) ({}%), table {}, {} rows/s, about {} s left", peer,
                    progress.rowsLoaded(), progress.rowsTotal(), Math.round(progress.percent()), current,
                    Math.round(progress.rowsPerSecond(now)), eta == null ? "?" : eta.toSeconds());
        }
        events.accept(new SyncEvent.ProgressReported(now, progress));
    }
}
