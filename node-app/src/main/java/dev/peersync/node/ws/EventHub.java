package dev.peersync.node.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.event.SyncListener;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans sync events and status out to the WebSocket clients of {@code /api/v1/p2p/ws}.
 *
 * <p>On connect a client gets the current status; afterwards every {@link SyncEvent} as a {@code sync_event}
 * message, and a fresh {@code status} when peers or sync rounds changed it (coalesced: at most one status per
 * {@code statusDebounceMillis}). A {@code {"type":"ping"}} is answered with a {@code pong}.
 *
 * <p>Never blocks its callers: each client has a bounded queue and one asynchronous send in flight; a client
 * whose queue overflows, or whose send fails, is dropped (close code 1008, "too slow"). The status is computed
 * on the hub's own thread, never on an engine thread.
 */
public final class EventHub implements SyncListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    /** Close code "policy violation": used when a client cannot keep up. */
    public static final int CLOSE_TOO_SLOW = 1008;

    private final EventMessages messages;
    private final ObjectMapper mapper;
    private final Supplier<Object> status;
    private final int queueCapacity;
    private final long statusDebounceMillis;
    private final Clock clock;
    private final Map<String, ClientQueue> clients = new ConcurrentHashMap<>();
    private final AtomicBoolean statusPending = new AtomicBoolean();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ws-hub");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param status               computes the status object sent as {@code data} of status messages
     * @param queueCapacity        messages that may wait per client before it is dropped
     * @param statusDebounceMillis minimum time between two status broadcasts caused by events
     */
    public EventHub(ObjectMapper mapper, Supplier<Object> status, int queueCapacity, long statusDebounceMillis,
                    Clock clock) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.messages = new EventMessages(mapper);
        this.status = Objects.requireNonNull(status, "status");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be positive, got: " + queueCapacity);
        }
        if (statusDebounceMillis < 0) {
            throw new IllegalArgumentException("statusDebounceMillis must not be negative, got: " + statusDebounceMillis);
        }
        this.queueCapacity = queueCapacity;
        this.statusDebounceMillis = statusDebounceMillis;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Registers a client and sends it the current status. */
    public void connect(EventChannel channel) {
        ClientQueue queue = new ClientQueue(channel, queueCapacity, () -> drop(channel.id(), "send failed"));
        clients.put(channel.id(), queue);
        log.debug("WebSocket client {} connected ({} clients)", channel.id(), clients.size());
        executor.execute(() -> deliver(queue, statusMessage()));
    }

    public void disconnect(String channelId) {
        ClientQueue queue = clients.remove(channelId);
        if (queue != null) {
            queue.close();
        }
    }

    public int clientCount() {
        return clients.size();
    }

    /** Handles a message from a client: ping gets pong; anything else an error message. */
    public void onMessage(EventChannel channel, String text) {
        ClientQueue queue = clients.get(channel.id());
        if (queue == null) {
            return;
        }
        String type = messageType(text);
        if ("ping".equals(type)) {
            deliver(queue, messages.pong(clock.instant()));
        } else if ("status".equals(type)) {
            executor.execute(() -> deliver(queue, statusMessage()));
        } else {
            deliver(queue, messages.error("unsupported message; send {\"type\":\"ping\"} or {\"type\":\"status\"}"));
        }
    }

    private String messageType(String text) {
        try {
            JsonNode node = mapper.readTree(text);
            return node != null && node.path("type").isTextual() ? node.get("type").asText() : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void onEvent(SyncEvent event) {
        if (!clients.isEmpty()) {
            broadcast(messages.syncEvent(event));
        }
        if (event instanceof SyncEvent.PeerChanged || event instanceof SyncEvent.SyncRoundCompleted) {
            statusChanged();
        }
    }

    /** Something in the status changed (config, peers): clients get a new status soon, at most once per debounce. */
    public void statusChanged() {
        if (clients.isEmpty() || !statusPending.compareAndSet(false, true)) {
            return;
        }
        executor.schedule(() -> {
            statusPending.set(false);
            if (!clients.isEmpty()) {
                broadcast(statusMessage());
            }
        }, statusDebounceMillis, TimeUnit.MILLISECONDS);
    }

    private String statusMessage() {
        try {
            return messages.status(status.get());
        } catch (RuntimeException e) {
            log.warn("Could not compute the status for WebSocket clients: {}", e.toString(), e);
            return messages.error("status unavailable: " + e.getMessage());
        }
    }

    private void broadcast(String message) {
        for (ClientQueue queue : clients.values()) {
            deliver(queue, message);
        }
    }

    private void deliver(ClientQueue queue, String message) {
        if (!queue.offer(message)) {
            drop(queue.channel().id(), "too slow: more than " + queueCapacity + " messages waiting");
        }
    }

    private void drop(String channelId, String reason) {
        ClientQueue queue = clients.remove(channelId);
        if (queue == null) {
            return;
        }
        queue.close();
        log.info("Dropping WebSocket client {}: {}", channelId, reason);
        try {
            queue.channel().close(CLOSE_TOO_SLOW, reason.length() > 120 ? reason.substring(0, 120) : reason);
        } catch (RuntimeException e) {
            log.debug("Closing WebSocket client {} failed: {}", channelId, e.toString());
        }
    }

    /** Closes every client and stops the hub's thread (bounded wait). */
    @Override
    public void close() {
        for (String id : List.copyOf(clients.keySet())) {
            ClientQueue queue = clients.remove(id);
            if (queue != null) {
                queue.close();
                try {
                    queue.channel().close(1001, "node stopping");
                } catch (RuntimeException e) {
                    log.debug("Closing WebSocket client {} failed: {}", id, e.toString());
                }
            }
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                log.warn("WebSocket hub thread did not stop within 2s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
