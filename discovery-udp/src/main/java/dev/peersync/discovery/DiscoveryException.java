package dev.peersync.discovery;

import dev.peersync.core.SyncException;

/** Discovery could not start, for example because DISCOVERY_PORT is taken. */
public class DiscoveryException extends SyncException {
    public DiscoveryException(String message) {
        super(message, null);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
