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

    /** The {@code data} of every sync event of the given type received so far, in order. */
    public List<com.fasterxml.jackson.databind.JsonNode> syncEvents(String type) {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> events = new java.util.ArrayList<>();
        for (String text : messages()) {
            try {
                com.fasterxml.jackson.databind.JsonNode data = mapper.readTree(text).path("data");
                if (type.equals(data.path("type").asText())) {
                    events.add(data);
                }
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }
        return events;
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
