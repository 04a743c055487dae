package dev.peersync.review.internal.web;

/**
 * An error the client caused, with the HTTP status and machine-readable code it maps to.
 * {@link ErrorMapping} turns it into {@code {"error": {"code", "message", "details"}}}.
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

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message, null);
    }

    public static ApiException notFound(String entity, Object id) {
        return new ApiException(404, "not_found", entity + " " + id + " not found", null);
    }

    public static ApiException conflict(String message, Object details) {
        return new ApiException(409, "conflict", message, details);
    }
}
