package dev.peersync.review.internal.web;

import dev.peersync.review.ApiException;

import io.javalin.http.Context;
import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** Parses path and query parameters; a bad value is a 400 naming the parameter and the value. */
public final class Params {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Params() {
    }

    /** The canonical 8-4-4-4-12 form only ({@link UUID#fromString} also accepts "1-1-1-1-1"). */
    public static UUID parseUuid(String text) {
        if (!UUID_TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("not a UUID: " + text);
        }
        return UUID.fromString(text);
    }

    public static UUID pathUuid(Context ctx, String name) {
        String value = ctx.pathParam(name);
        try {
            return parseUuid(value);
        } catch (IllegalArgumentException e) {
            throw invalid("path parameter '" + name + "' must be a UUID", name, value);
        }
    }

    public static UUID queryUuid(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return parseUuid(value);
        } catch (IllegalArgumentException e) {
            throw invalid("query parameter '" + name + "' must be a UUID", name, value);
        }
    }

    public static BigDecimal queryDecimal(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw invalid("query parameter '" + name + "' must be a decimal number", name, value);
        }
    }

    public static String queryText(Context ctx, String name, int maxLength) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw invalid("query parameter '" + name + "' must be at most " + maxLength + " characters", name, value);
        }
        return value.strip();
    }

    public static int queryInt(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid("query parameter '" + name + "' must be an integer between " + min + " and " + max,
                    name, value);
        }
        if (number < min || number > max) {
            throw invalid("query parameter '" + name + "' must be between " + min + " and " + max, name, value);
        }
        return number;
    }

    /** {@code limit} (default 50, 1..500) and {@code offset} (default 0). */
    public static PageRequest page(Context ctx) {
        return new PageRequest(queryInt(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                queryInt(ctx, "offset", 0, 0, Integer.MAX_VALUE));
    }

    public static ApiException invalid(String message, String parameter, String value) {
        return ApiException.badRequest(message + ", got '" + abbreviate(value) + "'",
                Map.of("parameter", parameter, "value", abbreviate(value)));
    }

    /** Keeps error messages short when a client sends something huge. */
    public static String abbreviate(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "...";
    }
}
