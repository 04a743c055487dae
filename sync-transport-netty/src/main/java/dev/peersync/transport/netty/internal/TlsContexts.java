package dev.peersync.transport.netty.internal;

import dev.peersync.transport.netty.NettyTransportSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import javax.net.ssl.SSLException;

/**
 * TLS contexts from PEM files. Both sides present the node certificate and require the peer's to chain to
 * the trust file (mutual TLS). Host names are not verified: peers are dialled by IP address from discovery,
 * and who may join is decided by the trusted certificates and the cluster secret.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    public static SslContext server(NettyTransportSettings settings) {
        try {
            return SslContextBuilder.forServer(settings.tlsCertFile().toFile(), settings.tlsKeyFile().toFile())
                    .trustManager(trustFile(settings))
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use TLS files " + settings.tlsCertFile() + " / "
                    + settings.tlsKeyFile() + ": " + e.getMessage(), e);
        }
    }

    public static SslContext client(NettyTransportSettings settings) {
        try {
            return SslContextBuilder.forClient()
                    .keyManager(settings.tlsCertFile().toFile(), settings.tlsKeyFile().toFile())
                    .trustManager(trustFile(settings))
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use TLS files " + settings.tlsCertFile() + " / "
                    + settings.tlsKeyFile() + ": " + e.getMessage(), e);
        }
    }

    private static File trustFile(NettyTransportSettings settings) {
        return (settings.tlsTrustFile() != null ? settings.tlsTrustFile() : settings.tlsCertFile()).toFile();
    }
}
