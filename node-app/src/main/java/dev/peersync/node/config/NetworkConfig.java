package dev.peersync.node.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a node listens and announces, and how its P2P port is protected on the wire.
 *
 * @param bindAddress        address of the API and P2P listeners ("0.0.0.0": all interfaces)
 * @param discoveryInterface network interface discovery sends on and hears from; empty for all
 * @param tls                TLS on the P2P port; empty for plain TCP (frames then carry a MAC with a secret)
 * @param corsOrigins        origins allowed to read the read-only p2p views cross-origin; empty for the loopback
 *                           origins of the dashboard on this host
 */
public record NetworkConfig(String bindAddress, Optional<String> discoveryInterface, Optional<TlsFiles> tls,
                            List<String> corsOrigins) {
    public NetworkConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(discoveryInterface, "discoveryInterface");
        Objects.requireNonNull(tls, "tls");
        corsOrigins = List.copyOf(corsOrigins);
    }

    /** All interfaces, discovery on all interfaces, no TLS, loopback CORS origins. */
    public static NetworkConfig defaults() {
        return new NetworkConfig("0.0.0.0", Optional.empty(), Optional.empty(), List.of());
    }

    /**
     * Certificate files of the P2P port.
     *
     * @param ca trusted peer certificates; empty trusts {@code cert} itself
     */
    public record TlsFiles(Path cert, Path key, Optional<Path> ca) {
        public TlsFiles {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ca, "ca");
        }
    }

    @Override
    public String toString() {
        return "bind=" + bindAddress + ", discoveryInterface=" + discoveryInterface.orElse("(all)")
                + ", p2pTls=" + (tls.isPresent() ? "on" : "off")
                + ", corsOrigins=" + (corsOrigins.isEmpty() ? "(loopback)" : corsOrigins);
    }
}
