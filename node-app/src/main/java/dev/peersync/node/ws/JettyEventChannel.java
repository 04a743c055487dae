package dev.peersync.node.ws;

import io.javalin.websocket.WsContext;
import java.util.Objects;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;

/** An {@link EventChannel} over a Javalin/Jetty WebSocket session: sends are asynchronous with a callback. */
public final class JettyEventChannel implements EventChannel {
    private final WsContext context;

    public JettyEventChannel(WsContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public String id() {
        return context.sessionId();
    }

    @Override
    public void sendText(String text, Runnable onSent, Consumer<Throwable> onFailed) {
        context.session.sendText(text, Callback.from(onSent, onFailed));
    }

    @Override
    public void close(int code, String reason) {
        context.session.close(code, reason, Callback.NOOP);
    }
}
