package dev.peersync.node.http;

import dev.peersync.review.Problems;
import io.javalin.config.JavalinConfig;


/**
 * Maps {@link ApiException} of the node's endpoints to the port's one error body ({@link Problems}, RFC 9457), the
 * same the review API answers with.
 */
public final class ErrorMapping {
    private ErrorMapping() {
    }

    public static void install(JavalinConfig config) {
        config.routes.exception(ApiException.class,
                (e, ctx) -> Problems.respond(ctx, e.status(), e.code(), e.getMessage(), e.problems()));
    }
}
