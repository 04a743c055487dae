package dev.peersync.core.engine;

import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.event.SyncListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans engine events out to listeners; one failing listener never stops the others or the engine. */
final class EventBus implements SyncListener {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();

    void add(SyncListener listener) {
        listeners.add(listener);
    }

    @Override
    public void onEvent(SyncEvent event) {
        for (SyncListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("Sync listener {} failed on {}: {}", listener, event.getClass().getSimpleName(), e.toString(), e);
            }
        }
    }

    void publishAll(List<SyncEvent> events) {
        events.forEach(this::onEvent);
    }
}
