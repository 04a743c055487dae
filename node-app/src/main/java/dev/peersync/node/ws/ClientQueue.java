package dev.peersync.node.ws;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The outgoing messages of one client: at most one send in flight, at most {@code capacity} waiting.
 *
 * <p>A client that reads slower than the node produces fills its queue; {@link #offer} then returns false and
 * the hub drops the client. Nothing here ever blocks the caller, so a slow client never stalls the node.
 */
final class ClientQueue {
    private final EventChannel channel;
    private final int capacity;
    private final Runnable onFailure;
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;

    ClientQueue(EventChannel channel, int capacity, Runnable onFailure) {
        this.channel = Objects.requireNonNull(channel, "channel");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got: " + capacity);
        }
        this.capacity = capacity;
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    EventChannel channel() {
        return channel;
    }

    /** Queues a message; false when the queue is full (the client is too slow) or closed. */
    boolean offer(String message) {
        synchronized (this) {
            if (closed || waiting.size() >= capacity) {
                return false;
            }
            if (sending) {
                waiting.add(message);
                return true;
            }
            sending = true;
        }
        send(message);
        return true;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    synchronized void close() {
        closed = true;
        waiting.clear();
    }

    private void send(String message) {
        channel.sendText(message, this::sent, failure -> {
            close();
            onFailure.run();
        });
    }

    private void sent() {
        String next;
        synchronized (this) {
            next = closed ? null : waiting.poll();
            if (next == null) {
                sending = false;
                return;
            }
        }
        send(next);
    }
}
