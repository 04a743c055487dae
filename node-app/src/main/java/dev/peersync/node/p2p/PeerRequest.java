package dev.peersync.node.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.review.ApiException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code POST /api/v1/p2p/peers}, the guide's shape:
 * {@code {"peer_id","host","port","last_seen","api_version","status"}} plus optional {@code p2p_port}.
 * {@code port} is the peer's API port. {@code peer_id}, {@code last_seen}, {@code api_version} and {@code status}
 * are informational: the node id is taken from the peer's handshake, health from talking to it.
 */
public record PeerRequest(String host, int apiPort, Optional<Integer> p2pPort, Optional<String> peerId) {
    private static final Set<String> FIELDS = Set.of("peer_id", "host", "port", "p2p_port", "last_seen",
            "api_version", "status", "name");

    static PeerRequest parse(ObjectMapper mapper, String body) {
        JsonNode node = JsonBodies.object(mapper, body);
        JsonBodies.onlyKnownFields(node, FIELDS);
        String host = JsonBodies.requiredText(node, "host").trim();
        if (!host.matches("[A-Za-z0-9.:\\-\\[\\]%_]{1,253}")) {
            throw ApiException.invalidField("host", "must be a host name or IP address, got: '" + host + "'");
        }
        int port = JsonBodies.optionalLong(node, "port", 1, 65_535).map(Long::intValue)
                .orElseThrow(() -> ApiException.invalidField("port", "is required (the peer's API port)"));
        Optional<Integer> p2pPort = JsonBodies.optionalLong(node, "p2p_port", 1, 65_535).map(Long::intValue);
        Optional<String> peerId = JsonBodies.optionalText(node, "peer_id");
        JsonBodies.optionalText(node, "api_version");
        JsonBodies.optionalText(node, "status");
        JsonBodies.optionalText(node, "name");
        JsonBodies.optionalText(node, "last_seen").ifPresent(PeerRequest::checkTimestamp);
        return new PeerRequest(host, port, p2pPort, peerId);
    }

    private static void checkTimestamp(String text) {
        try {
            OffsetDateTime.parse(text);
        } catch (DateTimeParseException withZone) {
            try {
                LocalDateTime.parse(text);
            } catch (DateTimeParseException e) {
                throw ApiException.invalidField("last_seen", "must be an ISO-8601 date-time, got: '" + text + "'");
            }
        }
    }
}
