package dev.peersync.core.spi;

import dev.peersync.core.SyncException;

/** A peer could not be reached, refused us, or did not answer in time. */
public class PeerUnavailableException extends SyncException {
    public PeerUnavailableException(String message) {
        super(message);
    }

    public PeerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
