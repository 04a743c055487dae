package dev.peersync.review;

import java.util.Map;

/**
 * An error the client caused, with the HTTP status and machine-readable code it maps to: thrown by the review API's
 * handlers and by the node's own endpoints alike. {@link ErrorMapping}, the port's one mapping, turns it into the one
 * error body (RFC 9457 problem details, {@link Problems}).
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final transient Object details;

    public ApiException(int status, String code, String message, Object details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Extra structured information (field errors, the bad parameter), or null. */
    public Object details() {
        return details;
    }

    public static ApiException badRequest(String message, Object details) {
        return new ApiException(400, "bad_request", message, details);
    }

    /**
     * 400 {@code validation_failed}: a request body or parameter with a wrong value. Details naming only a
     * {@code field} are answered as the one entry of the problem's {@code errors}.
     */
    public static ApiException validationFailed(String message, Map<String, Object> details) {
        return new ApiException(400, "validation_failed", message, Map.copyOf(details));
    }

    /** 400 {@code validation_failed} naming the offending field: "{field} {problem}". */
    public static ApiException invalidField(String field, String problem) {
        return validationFailed(field + " " + problem, Map.of("field", field));
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message, null);
    }

    public static ApiException notFound(String entity, Object id) {
        return new ApiException(404, "not_found", entity + " " + id + " not found", null);
    }

    /** 404 with a message of its own and details (the id that was looked for). */
    public static ApiException missing(String message, Map<String, Object> details) {
        return new ApiException(404, "not_found", message, Map.copyOf(details));
    }

    public static ApiException conflict(String message, Object details) {
        return new ApiException(409, "conflict", message, details);
    }
}
