package dev.peersync.review;

import dev.peersync.review.Problems;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the port's exceptions (the review API's and the node's endpoints') become HTTP answers, all in the port's one error body
 * ({@link Problems}: RFC 9457 problem details); a stack trace never reaches the client.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    /** Unique constraints of the schema, and what a client should read when it trips one. */
    private static final Map<String, String> UNIQUE_MESSAGES = Map.of(
            "users_username_key", "username is already taken",
            "users_email_key", "email is already registered",
            "reviews_user_product_key", "you have already reviewed this product; update your review instead");

    private ErrorMapping() {
    }

    public static void register(RoutesConfig routes, long maxBodyBytes) {
        routes.exception(ApiException.class,
                (e, ctx) -> respond(ctx, e.status(), e.code(), e.getMessage(), problems(e)));
        routes.exception(HttpResponseException.class, (e, ctx) -> javalinError(e, ctx, maxBodyBytes));
        routes.exception(JdbiException.class, ErrorMapping::databaseError);
        routes.exception(Exception.class, (e, ctx) -> unexpected(ctx, e));
    }

    /** Details naming only a field become the one entry of the problem's {@code errors}; others stay as they are. */
    private static Object problems(ApiException e) {
        if (e.details() instanceof Map<?, ?> details && details.size() == 1 && details.containsKey("field")) {
            return java.util.List.of(Map.of("field", details.get("field"), "message", e.getMessage()));
        }
        return e.details();
    }

    public static void respond(Context ctx, int status, String code, String message, Object details) {
        Problems.respond(ctx, status, code, message, details);
    }

    private static void javalinError(HttpResponseException e, Context ctx, long maxBodyBytes) {
        int status = e.getStatus();
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> HttpStatus.forStatus(status).name().toLowerCase(java.util.Locale.ROOT);
        };
        String message = switch (status) {
            case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
            case 413 -> "request body is larger than the limit of " + maxBodyBytes + " bytes";
            default -> e.getMessage();
        };
        if (status == 405) {
            // RFC 9110: a 405 names the methods the resource has.
            String allowed = e.getDetails().getOrDefault("availableMethods", "");
            ctx.header("Allow", allowed.replace("[", "").replace("]", ""));
            message = ctx.method() + " is not allowed on " + ctx.path() + "; allowed: " + allowed;
        }
        respond(ctx, status, code, message, e.getDetails().isEmpty() ? null : e.getDetails());
    }

    private static void databaseError(JdbiException e, Context ctx) {
        SQLException sql = sqlCause(e);
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        String constraint = constraintOf(sql);
        if (state.equals("23505")) {
            respond(ctx, 409, "conflict", UNIQUE_MESSAGES.getOrDefault(constraint, "a unique value is already taken"),
                    constraint == null ? null : Map.of("constraint", constraint));
        } else if (state.equals("23503")) {
            respond(ctx, 409, "conflict", "a referenced row does not exist on this node (it was deleted, or has "
                    + "not replicated here yet)", constraint == null ? null : Map.of("constraint", constraint));
        } else if (state.equals("23514") || state.equals("22003")) {
            respond(ctx, 422, "validation_failed", "a value is out of the allowed range", null);
        } else if (e instanceof ConnectionException || sql instanceof SQLTransientException
                || sql instanceof SQLNonTransientConnectionException || state.startsWith("08")
                || state.equals("57P01") || state.equals("53300") || state.equals("40001") || state.equals("40P01")) {
            log.warn("Database unavailable or contended for {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            respond(ctx, 503, "service_unavailable", "the database is unavailable or busy; retry later", null);
        } else {
            unexpected(ctx, e);
        }
    }

    private static void unexpected(Context ctx, Exception e) {
        String errorId = UUID.randomUUID().toString();
        log.error("Unhandled error {} on {} {}", errorId, ctx.method(), ctx.path(), e);
        respond(ctx, 500, "internal_error", "internal server error; it was logged with id " + errorId,
                Map.of("error_id", errorId));
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String constraintOf(SQLException sql) {
        if (sql instanceof PSQLException psql) {
            ServerErrorMessage message = psql.getServerErrorMessage();
            return message == null ? null : message.getConstraint();
        }
        return null;
    }
}
