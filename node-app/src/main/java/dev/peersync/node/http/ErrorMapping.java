package dev.peersync.node.http;

import io.javalin.config.JavalinConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps {@link ApiException} to the project's one error body {@code {"error":{"code","message","details"}}}.
 * The review API maps its own exceptions to the same shape; this covers the node's endpoints.
 */
public final class ErrorMapping {
    private ErrorMapping() {
    }

    public static void install(JavalinConfig config) {
        config.routes.exception(ApiException.class, (e, ctx) -> {
            ctx.status(e.status());
            if (e.status() == 401) {
                ctx.header("WWW-Authenticate", "Bearer");
            }
            ctx.json(body(e.code(), e.getMessage(), e.details()));
        });
    }

    public static Map<String, Object> body(String code, String message, Map<String, Object> details) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("details", details);
        return Map.of("error", error);
    }
}
