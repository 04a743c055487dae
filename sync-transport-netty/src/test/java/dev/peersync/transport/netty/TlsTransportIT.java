package dev.peersync.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.spi.PeerUnavailableException;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.transport.netty.support.InMemorySyncService;
import dev.peersync.transport.netty.support.Nodes;
import dev.peersync.transport.netty.support.ReviewRows;
import dev.peersync.testing.TestCertificates;
import dev.peersync.transport.netty.support.TransportFixture;
import dev.peersync.transport.netty.support.TransportFixture.Node;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TLS from PEM files: one certificate shared by the cluster, mutual authentication, secret on top. */
class TlsTransportIT {
    private static final byte[] SECRET = "tls-and-secret".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    static TestCertificates.Pem cluster;
    static TestCertificates.Pem stranger;

    @RegisterExtension
    final TransportFixture fixture = new TransportFixture();

    @BeforeAll
    static void certificates() throws Exception {
        cluster = TestCertificates.create(dir, "cluster");
        stranger = TestCertificates.create(dir, "stranger");
    }

    private static NettyTransportSettings.Builder tls(TestCertificates.Pem pem) {
        return TransportFixture.settings().clusterSecret(SECRET).tls(pem.cert(), pem.key(), null);
    }

    @Test
    void nodes_sharing_the_cluster_certificate_sync_over_tls() throws Exception {
        Node a = fixture.start(tls(cluster).build(),
                new InMemorySyncService(Nodes.hello("a")).withRows(ReviewRows.generate(20, 2)));
        Node b = fixture.start(tls(cluster).build(), "b");

        var batch = b.transport().client(a.address()).pull(new PullRequest(List.of("reviews"), "", 50))
                .get(10, TimeUnit.SECONDS);

        assertThat(batch.changes()).isEqualTo(a.service().rows());
        assertThat(a.transport().securityStatus()).contains("TLS on");
    }

    @Test
    void node_with_an_untrusted_certificate_is_refused() {
        Node a = fixture.start(tls(cluster).build(), "a");
        Node b = fixture.start(tls(stranger).build(), "b");

        assertThatThrownBy(() -> b.transport().client(a.address()).hello().get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(PeerUnavailableException.class);
        assertThat(a.service().calls()).isZero();
    }

    @Test
    void plain_tcp_node_cannot_talk_to_a_tls_node() {
        Node a = fixture.start(tls(cluster).build(), "a");
        Node b = fixture.start(TransportFixture.settings().clusterSecret(SECRET).build(), "b");

        assertThatThrownBy(() -> b.transport().client(a.address()).hello().get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(PeerUnavailableException.class);
        assertThat(a.service().calls()).isZero();
    }
}
