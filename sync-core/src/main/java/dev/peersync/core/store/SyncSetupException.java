package dev.peersync.core.store;

import dev.peersync.core.SyncException;

/** The synced tables or sync-core's own schema cannot be installed as asked; nothing was changed. */
public class SyncSetupException extends SyncException {
    public SyncSetupException(String message) {
        super(message);
    }

    public SyncSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
