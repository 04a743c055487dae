package dev.peersync.transport.netty.support;

import dev.peersync.core.spi.PeerAddress;
import dev.peersync.transport.netty.NettyPeerTransport;
import dev.peersync.transport.netty.NettyTransportSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Starts transports on loopback port 0 for a test and closes them after it. */
public final class TransportFixture implements AfterEachCallback {
    private final List<NettyPeerTransport> started = new ArrayList<>();

    /** Loopback, ephemeral port, short timeouts so failures show quickly. */
    public static NettyTransportSettings.Builder settings() {
        return NettyTransportSettings.builder(Nodes.CLUSTER)
                .bindHost("127.0.0.1")
                .port(0)
                .requestTimeout(Duration.ofSeconds(3))
                .connectTimeout(Duration.ofSeconds(2))
                .handshakeTimeout(Duration.ofSeconds(2))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400));
    }

    public Node start(NettyTransportSettings settings, InMemorySyncService service) {
        NettyPeerTransport transport = new NettyPeerTransport(settings);
        started.add(transport);
        InetSocketAddress address = transport.start(service);
        return new Node(transport, service, new PeerAddress("127.0.0.1", address.getPort()));
    }

    public Node start(NettyTransportSettings settings, String name) {
        return start(settings, new InMemorySyncService(Nodes.hello(name)));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(NettyPeerTransport::close);
        started.clear();
    }

    /** A started transport, the service it serves and the address peers dial. */
    public record Node(NettyPeerTransport transport, InMemorySyncService service, PeerAddress address) {
    }
}
