package dev.peersync.transport.netty.internal;

import java.util.Objects;

/**
 * One decoded message: its type, request id and body (an instance of {@link MessageType#bodyType()}).
 * The type and id checks live here so that no handler ever sees an inconsistent frame.
 */
public record Frame(MessageType type, int requestId, Object body) {
    public Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(body, "body");
        if (!type.bodyType().isInstance(body)) {
            throw new IllegalArgumentException("body of " + type + " must be a " + type.bodyType().getSimpleName()
                    + ", got: " + body.getClass().getSimpleName());
        }
        if (type.hasRequestId() == (requestId == 0)) {
            throw new IllegalArgumentException(type + " must have " + (type.hasRequestId() ? "a non-zero" : "a zero")
                    + " request id, got: " + requestId);
        }
    }

    public static Frame oneWay(MessageType type, Object body) {
        return new Frame(type, 0, body);
    }

    public <T> T body(Class<T> expected) {
        return expected.cast(body);
    }
}
