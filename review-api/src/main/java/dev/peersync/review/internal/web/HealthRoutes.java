package dev.peersync.review.internal.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /health}: the process answers. {@code /ready}: and its database does too (503 otherwise). */
public final class HealthRoutes {
    private static final Logger log = LoggerFactory.getLogger(HealthRoutes.class);

    private final Jdbi jdbi;

    public HealthRoutes(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void register(RoutesConfig routes) {
        routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/ready", this::ready);
    }

    private void ready(Context ctx) {
        try {
            jdbi.useHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
            ctx.json(Map.of("status", "ready"));
        } catch (JdbiException e) {
            log.warn("Not ready: database unreachable: {}", e.getMessage());
            ErrorMapping.respond(ctx, 503, "database_unavailable", "the database is not reachable", null);
        }
    }
}
