package dev.peersync.embedded.internal;

import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerTransport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peers known by address only: each is asked for its hello (the handshake checks the cluster id and secret), and
 * the node id it answers with puts it in the directory, where the engine takes it from. A peer that does not answer
 * is asked again with a growing pause (1 s up to 30 s), without end: it may simply not be started yet.
 */
public final class AddressedPeers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AddressedPeers.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

    private final PeerTransport transport;
    private final PeerDirectory directory;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "peersync-addressed-peers");
        t.setDaemon(true);
        return t;
    });

    public AddressedPeers(PeerTransport transport, PeerDirectory directory) {
        this.transport = transport;
        this.directory = directory;
    }

    /** {@code host:port}, or {@code [v6 address]:port}. */
    public static PeerAddress parse(String address) {
        if (address == null) {
            throw new IllegalArgumentException("peer address must be host:port, got null");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("peer address must be host:port, got '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer address must be host:port, got '" + address + "'");
        }
        return new PeerAddress(host, port);
    }

    /** Asks the peer for its hello now, and again later until it answers. */
    public void add(PeerAddress address) {
        retries.execute(() -> attempt(address, FIRST_RETRY));
    }

    private void attempt(PeerAddress address, Duration nextPause) {
        CompletableFuture<NodeHello> hello = transport.client(address).hello()
                .orTimeout(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        hello.whenComplete((h, failure) -> {
            if (failure == null) {
                directory.observe(new PeerSighting(h.nodeId(), h.nodeName(), address.host(), h.apiPort(),
                        address.port(), h.softwareVersion(), PeerOrigin.MANUAL));
                log.info("Peer at {} is {} ({})", address, h.nodeId(), h.nodeName());
                return;
            }
            log.info("Peer at {} did not answer ({}); asking again in {} s", address, failure.toString(),
                    nextPause.toSeconds());
            Duration after = nextPause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : nextPause.multipliedBy(2);
            try {
                retries.schedule(() -> attempt(address, after), nextPause.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closed meanwhile: nothing more to do
            }
        });
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
