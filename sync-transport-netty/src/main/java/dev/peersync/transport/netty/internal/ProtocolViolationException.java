package dev.peersync.transport.netty.internal;

import dev.peersync.core.SyncException;
import dev.peersync.transport.netty.RejectReason;

/** The peer broke the protocol; the connection is closed with {@link #reason()} and the event is counted. */
public class ProtocolViolationException extends SyncException {
    private final RejectReason reason;

    public ProtocolViolationException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ProtocolViolationException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
