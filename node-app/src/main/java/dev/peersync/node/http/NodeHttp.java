package dev.peersync.node.http;

import dev.peersync.review.ErrorMapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.node.metrics.HttpMetrics;
import dev.peersync.node.ws.EventHub;
import dev.peersync.node.ws.JettyEventChannel;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one HTTP server (Javalin 7 on Jetty): the route sets it is given (review API, p2p endpoints),
 * {@code GET /metrics} in Prometheus text format, the WebSocket {@code /api/v1/p2p/ws}, and request timing.
 */
public final class NodeHttp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeHttp.class);
    public static final String WS_PATH = "/api/v1/p2p/ws";
    /** Largest request body: a sync-table batch of 1000 rows with media metadata fits comfortably. */
    public static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;

    private final Javalin app;

    private NodeHttp(Javalin app) {
        this.app = app;
    }

    /**
     * Starts listening.
     *
     * @param port      TCP port, 0 for a free one (read it back with {@link #port()})
     * @param beforeScrape runs before each /metrics scrape (refreshes gauges read from the engine)
     * @param routeSets    each adds its routes and exception mappings to the config
     */
    public static NodeHttp start(String host, int port, ObjectMapper mapper, PrometheusMeterRegistry registry,
                                 EventHub hub, Runnable beforeScrape, NodeAccess access,
                                 List<Consumer<JavalinConfig>> routeSets) {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(beforeScrape, "beforeScrape");
        HttpMetrics httpMetrics = new HttpMetrics(registry);
        Javalin app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            // Defaults first: a route set (the review API) may set the same options app-wide after us.
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.requestLogger.http(httpMetrics);
            ErrorMapping.register(config.routes, MAX_REQUEST_BYTES);
            // The dashboard (src/main/resources/dashboard): plain files, served at / by every node.
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/dashboard";
                files.location = io.javalin.http.staticfiles.Location.CLASSPATH;
            });
            for (Consumer<JavalinConfig> routes : routeSets) {
                routes.accept(config);
            }
            config.routes.get("/metrics", ctx -> {
                access.checkMetrics(ctx);
                beforeScrape.run();
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
            });
            config.routes.wsBeforeUpgrade(WS_PATH, access::checkWebSocket);
            config.routes.ws(WS_PATH, ws -> {
                ws.onConnect(ctx -> {
                    ctx.enableAutomaticPings();
                    hub.connect(new JettyEventChannel(ctx));
                });
                ws.onMessage(ctx -> hub.onMessage(new JettyEventChannel(ctx), ctx.message()));
                ws.onClose(ctx -> hub.disconnect(ctx.sessionId()));
                ws.onError(ctx -> {
                    log.debug("WebSocket client {} failed: {}", ctx.sessionId(), String.valueOf(ctx.error()));
                    hub.disconnect(ctx.sessionId());
                });
            });
        });
        app.start();
        return new NodeHttp(app);
    }

    public int port() {
        return app.port();
    }

    /** Every HTTP route registered ("GET /api/v1/products"), static files and WebSocket upgrades aside. */
    public java.util.List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod() && !e.endpoint.method.name().equals("HEAD")
                        && !e.endpoint.method.name().equals("OPTIONS"))
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).distinct().sorted().toList();
    }

    /** Stops Jetty: open requests finish within Jetty's stop timeout. */
    @Override
    public void close() {
        app.stop();
    }
}
