package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How far long work with a peer has come: a snapshot join (or rejoin), per table the rows loaded and the rows the peer
 * holds (its digest's live row count when the join began, so a table written meanwhile may end a little above or
 * below 100 %); or a catch-up through the peer's feed, per table the rows applied in this round and those applied
 * plus the peer's latest estimate of the rows still waiting.
 *
 * @param kind      a join or a catch-up
 * @param peer      the peer joined or caught up with
 * @param startedAt when the join began
 * @param table     the table being loaded now (empty once done)
 * @param tables    every synced table, parents first
 * @param done      true in the last report of a join
 */
public record JoinProgress(Kind kind, NodeId peer, Instant startedAt, String table, List<Table> tables, boolean done) {

    /** The work reported: a snapshot join (or rejoin), or a catch-up through the peer's feed. */
    public enum Kind { JOIN, CATCH_UP }

    /** One table: rows loaded here so far, rows the peer holds. */
    public record Table(String name, long rowsLoaded, long rowsTotal) {
    }

    public JoinProgress {
        tables = List.copyOf(tables);
    }

    public long rowsLoaded() {
        return tables.stream().mapToLong(Table::rowsLoaded).sum();
    }

    public long rowsTotal() {
        return tables.stream().mapToLong(Table::rowsTotal).sum();
    }

    /** Rows per second since the start (0 before a second has passed). */
    public double rowsPerSecond(Instant now) {
        double seconds = Duration.between(startedAt, now).toMillis() / 1000.0;
        return seconds < 1 ? 0 : rowsLoaded() / seconds;
    }

    /** Estimated time left at the rate so far; null while there is no rate yet. */
    public Duration eta(Instant now) {
        double rate = rowsPerSecond(now);
        if (rate <= 0) {
            return null;
        }
        long left = Math.max(0, rowsTotal() - rowsLoaded());
        return Duration.ofMillis((long) (left / rate * 1000));
    }

    /** Percent of the peer's rows loaded, 0-100. */
    public double percent() {
        long total = rowsTotal();
        return total == 0 ? (done ? 100 : 0) : Math.min(100, 100.0 * rowsLoaded() / total);
    }
}
