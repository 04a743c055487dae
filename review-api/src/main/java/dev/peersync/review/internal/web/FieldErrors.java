package dev.peersync.review.internal.web;

import dev.peersync.review.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collects every invalid field of a request body, so one 422 answer lists them all. */
public final class FieldErrors {
    private final List<Map<String, String>> errors = new ArrayList<>();

    public void add(String field, String message) {
        errors.add(Map.of("field", field, "message", message));
    }

    /** Records {@code message} for {@code field} unless {@code ok}. */
    public void check(boolean ok, String field, String message) {
        if (!ok) {
            add(field, message);
        }
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Throws a 422 listing the collected errors, if any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new ApiException(422, "validation_failed", "request body has " + errors.size()
                    + " invalid field(s)", List.copyOf(errors));
        }
    }
}
