package dev.peersync.review.internal.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * Typed, strict access to the fields of a JSON object request body. Wrong types and missing required
 * fields are recorded in {@link #errors()} (never thrown one by one), so a single answer lists them all.
 * Getters return null for an absent field, a JSON null, or a field already recorded as invalid.
 */
public final class JsonBody {
    private final ObjectNode node;
    private final FieldErrors errors = new FieldErrors();

    public JsonBody(ObjectNode node) {
        this.node = node;
    }

    public ObjectNode node() {
        return node;
    }

    public FieldErrors errors() {
        return errors;
    }

    /** True when the field is present, even as JSON null (PATCH uses this to tell "absent" from "clear"). */
    public boolean has(String field) {
        return node.has(field);
    }

    private JsonNode value(String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                errors.add(field, "is required");
            }
            return null;
        }
        return value;
    }

    public Boolean bool(String field, boolean required) {
        JsonNode value = value(field, required);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            errors.add(field, "must be true or false");
            return null;
        }
        return value.booleanValue();
    }

    public String string(String field, boolean required) {
        JsonNode value = value(field, required);
        return value == null ? null : textual(field, value);
    }

    private String textual(String field, JsonNode value) {
        if (!value.isTextual()) {
            errors.add(field, "must be a string");
            return null;
        }
        return value.textValue();
    }

    /** A trimmed string whose length (in code points) is within bounds; blank counts as absent. */
    public String text(String field, boolean required, int minLength, int maxLength) {
        JsonNode value = value(field, required);
        if (value == null) {
            return null;
        }
        String raw = textual(field, value);
        if (raw == null) {
            return null;
        }
        String text = raw.strip();
        if (text.isEmpty()) {
            if (required) {
                errors.add(field, "is required");
            }
            return null;
        }
        int length = text.codePointCount(0, text.length());
        if (length < minLength || length > maxLength) {
            errors.add(field, "must be " + minLength + " to " + maxLength + " characters long, got " + length);
            return null;
        }
        return text;
    }

    public BigDecimal decimal(String field, boolean required) {
        JsonNode value = value(field, required);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            errors.add(field, "must be a number");
            return null;
        }
        return value.decimalValue();
    }

    public Integer integer(String field, boolean required, int min, int max) {
        JsonNode value = value(field, required);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            errors.add(field, "must be an integer");
            return null;
        }
        int number = value.intValue();
        if (number < min || number > max) {
            errors.add(field, "must be between " + min + " and " + max + ", got " + number);
            return null;
        }
        return number;
    }

    public UUID uuid(String field, boolean required) {
        String text = string(field, required);
        if (text == null) {
            return null;
        }
        try {
            return Params.parseUuid(text);
        } catch (IllegalArgumentException e) {
            errors.add(field, "must be a UUID, got '" + Params.abbreviate(text) + "'");
            return null;
        }
    }
}
