package dev.peersync.node.p2p;

import dev.peersync.core.engine.JoinProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot join's progress as {@code /api/v1/p2p/status} ({@code join}) and the WebSocket ({@code join_progress})
 * show it: rows loaded and the peer's rows, in all and per table, percent, rate, and estimated seconds left (null
 * while unknown).
 */
public final class JoinProgressView {
    private JoinProgressView() {
    }

    public static Map<String, Object> render(JoinProgress progress, Instant now) {
        Map<String, Object> join = new LinkedHashMap<>();
        join.put("kind", progress.kind() == JoinProgress.Kind.JOIN ? "join" : "catch_up");
        join.put("peer", progress.peer().toString());
        join.put("started_at", progress.startedAt().toString());
        join.put("table", progress.table());
        join.put("rows_loaded", progress.rowsLoaded());
        join.put("rows_total", progress.rowsTotal());
        join.put("percent", Math.round(progress.percent() * 10) / 10.0);
        join.put("rows_per_second", Math.round(progress.rowsPerSecond(now)));
        Duration eta = progress.eta(now);
        join.put("eta_seconds", eta == null ? null : eta.toSeconds());
        join.put("done", progress.done());
        List<Map<String, Object>> tables = progress.tables().stream().map(t -> {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("table", t.name());
            table.put("rows_loaded", t.rowsLoaded());
            table.put("rows_total", t.rowsTotal());
            return table;
        }).toList();
        join.put("tables", tables);
        return join;
    }
}
