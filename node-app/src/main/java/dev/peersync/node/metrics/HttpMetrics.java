package dev.peersync.node.metrics;

import io.javalin.http.Context;
import io.javalin.http.RequestLogger;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * Records every HTTP request as timer {@code http_server_requests_seconds{method,route,status}}. The route is the
 * matched path template ({@code /api/v1/p2p/table-info/{table}}), never the raw path, so tag values stay bounded;
 * unmatched requests share route "unmatched". Installed as Javalin's request logger.
 */
public final class HttpMetrics implements RequestLogger {
    private final MeterRegistry registry;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void handle(Context ctx, Float executionTimeMs) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint == null ? "unmatched" : endpoint.path;
        Timer.builder("http.server.requests")
                .description("HTTP requests served")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", Integer.toString(ctx.status().getCode()))
                .register(registry)
                .record(Duration.ofNanos((long) (executionTimeMs * 1_000_000L)));
    }
}
