package dev.peersync.node.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.NodeId;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerTransport;
import dev.peersync.node.http.ApiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * stored and put in the directory: a peer that cannot be reached is refused and nothing changes.
 */
public final class PeerRegistrar {
    private static final Logger log = LoggerFactory.getLogger(PeerRegistrar.class);

    private final PeerTransport transport;
    private final PeerDirectory directory;
    private final ManualPeerStore store;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration timeout;

    public PeerRegistrar(PeerTransport transport, PeerDirectory directory, ManualPeerStore store, HttpClient http,
                         ObjectMapper mapper, Duration timeout) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.store = Objects.requireNonNull(store, "store");
        this.http = Objects.requireNonNull(http, "http");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Puts the stored manual peers back into the directory (at start). */
    public int restore() {
        List<ManualPeer> peers = store.all();
        for (ManualPeer peer : peers) {
            directory.observe(peer.sighting(""));
        }
        if (!peers.isEmpty()) {
            log.info("Re-added {} manual peer(s) from the database", peers.size());
        }
        return peers.size();
    }

    public ManualPeer add(PeerRequest request) {
        int p2pPort = request.p2pPort().orElseGet(() -> p2pPortFromStatus(request.host(), request.apiPort()));
        PeerAddress address = new PeerAddress(request.host(), p2pPort);
        NodeHello hello = handshake(address);
        if (hello.nodeId().equals(directory.self())) {
            throw ApiException.badRequest("The peer at " + address + " is this node itself",
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

    /** Removes a peer from the database and the directory; false when it was in neither. */
    public boolean remove(NodeId nodeId) {
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
            JsonNode port = mapper.readTree(response.body()).path("ports").path("p2p");
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
