package dev.peersync.node.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A java.net.http WebSocket client that collects the text messages it receives. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;
    private volatile int closeCode = -1;

    public WsClient(HttpClient http, URI uri) {
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, this).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (partial) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode = statusCode;
        return null;
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    public int closeCode() {
        return closeCode;
    }

    /** Waits until at least {@code count} messages arrived; returns them all. */
    public List<String> awaitMessages(int count) {
        return dev.peersync.testing.Await.until(count + " WebSocket messages", Duration.ofSeconds(10), this::messages,
                m -> m.size() >= count);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        socket.abort();
    }
}
