package dev.peersync.node.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A test channel: records what was sent. In "stalled" mode sends never complete, like a client that stopped
 * reading; in "failing" mode every send fails.
 */
final class RecordingChannel implements EventChannel {
    enum Mode { FAST, STALLED, FAILING }

    private final String id;
    private final Mode mode;
    private final List<String> sent = new ArrayList<>();
    private volatile int closeCode = -1;

    RecordingChannel(String id, Mode mode) {
        this.id = id;
        this.mode = mode;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void sendText(String text, Runnable onSent, Consumer<Throwable> onFailed) {
        synchronized (sent) {
            sent.add(text);
        }
        switch (mode) {
            case FAST -> onSent.run();
            case FAILING -> onFailed.accept(new java.io.IOException("broken pipe"));
            case STALLED -> { }
        }
    }

    @Override
    public void close(int code, String reason) {
        closeCode = code;
    }

    List<String> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    int closeCode() {
        return closeCode;
    }
}
