package dev.peersync.transport.netty.internal;

import io.netty.util.AttributeKey;

/** Per-channel facts that outlive the handler that learned them. */
final class ChannelAttributes {
    /** Why the connection closed (ours or the peer's REJECT), for the error a client reports. */
    static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf("peersync.closeReason");

    private ChannelAttributes() {
    }
}
