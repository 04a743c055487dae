package dev.peersync.core.event;

/** Receives engine events. Called on engine threads: return quickly, never block. */
@FunctionalInterface
public interface SyncListener {
    void onEvent(SyncEvent event);
}
