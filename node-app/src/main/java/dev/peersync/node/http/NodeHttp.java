package dev.peersync.node.http;

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

    private final Javalin app;

    private NodeHttp(Javalin app) {
        this.app = app;
    }

    /**
     * Starts listening.
     *
     * @param port      TCP port, 0 for a free one (read it back with {@link #port()})
     * @param routeSets each adds its routes and exception mappings to the config
     */
    public static NodeHttp start(String host, int port, ObjectMapper mapper, PrometheusMeterRegistry registry,
                                 EventHub hub, List<Consumer<JavalinConfig>> routeSets) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(hub, "hub");
        HttpMetrics httpMetrics = new HttpMetrics(registry);
        Javalin app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.requestLogger.http(httpMetrics);
            ErrorMapping.install(config);
            for (Consumer<JavalinConfig> routes : routeSets) {
                routes.accept(config);
            }
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(registry.scrape()));
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

    /** Stops Jetty: open requests finish within Jetty's stop timeout. */
    @Override
    public void close() {
        app.stop();
    }
}
