package dev.peersync.node.http;

import java.util.Map;
import java.util.Objects;

/**
 * A request the node refuses, with the HTTP status and the body parts of the one error shape
 * {@code {"error":{"code","message","details"}}}. Thrown by handlers, mapped in one place by {@link ErrorMapping}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;

    public ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.details = Map.copyOf(details);
    }

    public static ApiException badRequest(String message, Map<String, Object> details) {
        return new ApiException(400, "validation_failed", message, details);
    }

    /** 400 naming the offending field. */
    public static ApiException invalidField(String field, String problem) {
        return badRequest(field + " " + problem, Map.of("field", field));
    }

    /**
     * The details as the problem body wants them: a field problem as the one entry of {@code errors}
     * ({@code field}, {@code message}), other details as they are.
     */
    public Object problems() {
        Object field = details.get("field");
        if (field != null && details.size() == 1) {
            return java.util.List.of(Map.of("field", field, "message", getMessage()));
        }
        return details;
    }

    public static ApiException notFound(String message, Map<String, Object> details) {
        return new ApiException(404, "not_found", message, details);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message, Map.of());
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, Map.of());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
