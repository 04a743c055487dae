package dev.peersync.core.spi;

/** Where a peer's P2P port listens. */
public record PeerAddress(String host, int port) {
    public PeerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, got: " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
