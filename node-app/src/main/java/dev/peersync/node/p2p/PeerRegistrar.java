package dev.peersync.node.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerTransport;
import dev.peersync.review.ApiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds and removes manual peers.
 *
 * <p>Adding: the request names the peer's API address; its P2P port comes from the request's {@code p2p_port}
 * or from the peer's own {@code GET /api/v1/p2p/status}. The transport then connects and handshakes (cluster
 * secret and cluster id are checked there); the node id is the one the handshake reports. Only then is the peer
 * stored and put in the directory. A peer that cannot be reached yet is kept as pending ({@link PendingPeers}) and
 * connected when it answers; a request that is wrong in itself (this node's own address) is refused.
 */
public final class PeerRegistrar implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerRegistrar.class);

    private final PeerTransport transport;
    private final PeerDirectory directory;
    private final ManualPeerStore store;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration timeout;
    private final PendingPeers pending;

    /** What adding did: connected at once, or kept as pending under an id. */
    public sealed interface Added {
        record Connected(ManualPeer peer) implements Added {
        }

        record Pending(UUID id, String reason, Instant nextAttempt) implements Added {
        }
    }

    public PeerRegistrar(PeerTransport transport, PeerDirectory directory, ManualPeerStore store,
                         PendingPeerStore pendingStore, HttpClient http, ObjectMapper mapper, Duration timeout,
                         Clock clock) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.store = Objects.requireNonNull(store, "store");
        this.http = Objects.requireNonNull(http, "http");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.pending = new PendingPeers(pendingStore, this::connect, clock);
    }

    /** Puts the stored manual peers back into the directory and starts retrying the pending ones. */
    public void start(Runnable statusChanged) {
        restore();
        pending.start(statusChanged);
    }

    /** The pending peers, for status. */
    public List<Map<String, Object>> pendingView() {
        return pending.view();
    }

    /** Connects the peer now, or keeps it as pending when it cannot be reached yet. */
    public Added add(PeerRequest request) {
        try {
            return new Added.Connected(connect(request));
        } catch (ApiException e) {
            if (e.status() != 502) {
                throw e; // wrong in itself: retrying would not help
            }
            UUID id = pending.add(request, e.getMessage());
            return new Added.Pending(id, e.getMessage(), pending.nextAttempt(id));
        }
    }

    @Override
    public void close() {
        pending.close();
    }

    /** Puts the stored manual peers back into the directory (at start). */
    private int restore() {
        List<ManualPeer> peers = store.all();
        for (ManualPeer peer : peers) {
            directory.observe(peer.sighting(""));
        }
        if (!peers.isEmpty()) {
            log.info("Re-added {} manual peer(s) from the database", peers.size());
        }
        return peers.size();
    }

    ManualPeer connect(PeerRequest request) {
        int p2pPort = request.p2pPort().orElseGet(() -> p2pPortFromStatus(request.host(), request.apiPort()));
        PeerAddress address = new PeerAddress(request.host(), p2pPort);
        NodeHello hello = handshake(address);
        if (hello.nodeId().equals(directory.self())) {
            throw ApiException.validationFailed("The peer at " + address + " is this node itself",
                    Map.of("field", "host", "node_id", hello.nodeId().toString()));
        }
        request.peerId().filter(id -> !id.equals(hello.nodeId().toString())).ifPresent(id ->
                log.info("Peer at {} says its node id is {}; the request said '{}': using the handshake's",
                        address, hello.nodeId(), id));
        ManualPeer peer = new ManualPeer(hello.nodeId(), hello.nodeName(), request.host(), request.apiPort(), p2pPort);
        store.save(peer);
        directory.observe(peer.sighting(hello.softwareVersion()));
        log.info("Manual peer added: {} ({}) at {}, API port {}", peer.nodeId(), peer.name(), address,
                peer.apiPort());
        return peer;
    }

    /** Removes a peer (or a pending one by its id) from the database and the directory; false when none was. */
    public boolean remove(NodeId nodeId) {
        if (pending.remove(nodeId.value())) {
            log.info("Pending manual peer {} removed", nodeId);
            return true;
        }
        boolean stored = store.delete(nodeId);
        boolean known = directory.remove(nodeId).isPresent();
        if (stored || known) {
            log.info("Peer {} removed{}", nodeId, stored ? " (and from the manual peers)" : "");
        }
        return stored || known;
    }

    private NodeHello handshake(PeerAddress address) {
        try {
            return transport.client(address).hello().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw unreachable("Could not connect to the peer's P2P port " + address + ": " + cause.getMessage()
                    + " (check the port, the firewall, and that both nodes have the same CLUSTER_SECRET and "
                    + "CLUSTER_ID)");
        } catch (TimeoutException e) {
            throw unreachable("The peer's P2P port " + address + " did not answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("Interrupted while connecting to " + address);
        }
    }

    private int p2pPortFromStatus(String host, int apiPort) {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        URI uri = URI.create("http://" + hostPart + ":" + apiPort + "/api/v1/p2p/status");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw unreachable("The peer's status endpoint " + uri + " answered " + response.statusCode()
                        + "; give the peer's P2P port as p2p_port");
            }
            JsonNode status = mapper.readTree(response.body());
            if (status.path("node_id").asText().equals(directory.self().toString())) {
                throw ApiException.validationFailed("The peer at " + host + ":" + apiPort + " is this node itself",
                        Map.of("field", "host", "node_id", directory.self().toString()));
            }
            JsonNode port = status.path("ports").path("p2p");
            if (!port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65_535) {
                throw unreachable("The peer's status at " + uri + " names no valid P2P port; give it as p2p_port");
            }
            return port.asInt();
        } catch (IOException e) {
            throw unreachable("Could not reach the peer's API at " + uri + " to learn its P2P port: " + e
                    + "; check host and port (the API port), or give the P2P port as p2p_port");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("Interrupted while asking " + uri);
        }
    }

    private static ApiException unreachable(String message) {
        return new ApiException(502, "peer_unreachable", message, Map.of());
    }
}
