package dev.peersync.review.internal.web;

import dev.peersync.review.ErrorMapping;

import java.util.Optional;
import java.util.function.Supplier;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health}: the process answers. {@code /ready}: and its database does too, and the embedding application has
 * no reason to hold traffic back (a node joining by snapshot or shutting down): 503 otherwise, naming the reason.
 */
public final class HealthRoutes {
    private static final Logger log = LoggerFactory.getLogger(HealthRoutes.class);

    private final Jdbi jdbi;
    private volatile Supplier<Optional<String>> notReady = Optional::empty;

    public HealthRoutes(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** While {@code reason} gives one, {@code /ready} answers 503 with it. */
    public void notReadyWhile(Supplier<Optional<String>> reason) {
        this.notReady = reason;
    }

    public void register(RoutesConfig routes) {
        routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/ready", this::ready);
    }

    private void ready(Context ctx) {
        Optional<String> reason = notReady.get();
        if (reason.isPresent()) {
            ErrorMapping.respond(ctx, 503, "not_ready", reason.get(), null);
            return;
        }
        try {
            jdbi.useHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
            ctx.json(Map.of("status", "ready"));
        } catch (JdbiException e) {
            log.warn("Not ready: database unreachable: {}", e.getMessage());
            ErrorMapping.respond(ctx, 503, "database_unavailable", "the database is not reachable", null);
        }
    }
}
