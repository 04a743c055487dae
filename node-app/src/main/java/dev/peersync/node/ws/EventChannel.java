package dev.peersync.node.ws;

import java.util.function.Consumer;

/** One connected WebSocket client as the {@link EventHub} sees it: asynchronous sends, and a way to drop it. */
public interface EventChannel {

    /** Stable id of the connection. */
    String id();

    /** Sends without blocking; exactly one of the callbacks runs when the frame is written or fails. */
    void sendText(String text, Runnable onSent, Consumer<Throwable> onFailed);

    /** Closes the connection with a WebSocket close code and reason, without waiting. */
    void close(int code, String reason);
}
