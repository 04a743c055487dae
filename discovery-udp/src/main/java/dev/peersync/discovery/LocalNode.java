package dev.peersync.discovery;

import dev.peersync.core.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What this node announces about itself.
 *
 * @param nodeId          the stable node id
 * @param name            display name, at most {@value #MAX_NAME_BYTES} bytes of UTF-8
 * @param apiPort         HTTP API port, 0..65535 (0: none)
 * @param p2pPort         P2P port, 0..65535
 * @param softwareVersion software version, at most {@value #MAX_VERSION_BYTES} bytes of UTF-8
 */
public record LocalNode(NodeId nodeId, String name, int apiPort, int p2pPort, String softwareVersion) {
    public static final int MAX_NAME_BYTES = 128;
    public static final int MAX_VERSION_BYTES = 64;

    public LocalNode {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(softwareVersion, "softwareVersion");
        checkUtf8Length(name, MAX_NAME_BYTES, "name");
        checkUtf8Length(softwareVersion, MAX_VERSION_BYTES, "softwareVersion");
        DiscoverySettings.checkPort(apiPort, "apiPort");
        DiscoverySettings.checkPort(p2pPort, "p2pPort");
    }

    static void checkUtf8Length(String value, int max, String parameter) {
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        if (length > max) {
            throw new IllegalArgumentException(parameter + " must be at most " + max + " bytes of UTF-8, got " + length
                    + " bytes: " + value);
        }
    }
}
