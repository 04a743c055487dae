package dev.peersync.review;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one error body of the whole HTTP port (review API and node endpoints alike): RFC 9457 problem details,
 * {@code application/problem+json}, with {@code type}, {@code title}, {@code status}, {@code detail},
 * {@code instance}, and as extension members the stable machine-readable {@code code}, {@code errors} (one entry per
 * invalid field: {@code field}, {@code message}) or {@code details} (other context). The body also repeats the older
 * shape {@code {"error": {"code", "message", "details"}}} under {@code error}, so clients written against it keep
 * working; new clients read the RFC 9457 members.
 */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Problem types are URNs named after the code (listed in docs/operations.md, "Errors"). */
    public static final String TYPE_BASE = "urn:peersync:problem:";

    private Problems() {
    }

    /**
     * Answers with a problem: {@code code} names it (snake case, stable), {@code detail} says what is wrong with this
     * request, {@code details} is a list of field problems, a map of context, or null.
     */
    public static void respond(Context ctx, int status, String code, String detail, Object details) {
        ctx.status(status).json(body(status, code, detail, ctx.path(), details)).contentType(CONTENT_TYPE);
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        } else if (status == 503 && ctx.res().getHeader("Retry-After") == null) {
            ctx.header("Retry-After", "5");
        }
    }

    /** The body of a problem, for answers written outside a Javalin context (Jetty's own errors). */
    public static Map<String, Object> body(int status, String code, String detail, String instance, Object details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + code.replace('_', '-'));
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        body.put("code", code);
        boolean fieldProblems = details instanceof List<?> list && !list.isEmpty();
        if (fieldProblems) {
            body.put("errors", details);
        } else if (details instanceof Map<?, ?> map && !map.isEmpty()) {
            body.put("details", details);
        }
        Map<String, Object> legacy = new LinkedHashMap<>();
        legacy.put("code", code);
        legacy.put("message", detail);
        legacy.put("details", details instanceof Map<?, ?> map && map.isEmpty() ? null : details);
        body.put("error", legacy);
        return body;
    }

    private static String title(int status) {
        HttpStatus known = HttpStatus.forStatus(status);
        return known == HttpStatus.UNKNOWN ? "Error " + status : known.getMessage();
    }

    /** 201 Created with the new resource's {@code Location} and its representation. */
    public static void created(Context ctx, String location, Object body) {
        ctx.status(201).header("Location", location).json(body);
    }
}
