package dev.peersync.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NettyTransportSettingsTest {

    @Test
    void defaults_suit_a_lan_and_run_open() {
        NettyTransportSettings settings = NettyTransportSettings.builder("c").build();
        assertThat(settings.port()).isEqualTo(8001);
        assertThat(settings.maxFrameSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(settings.authenticated()).isFalse();
        assertThat(settings.compression()).isFalse();
        assertThat(settings.tls()).isFalse();
    }

    @Test
    void bad_values_are_refused_naming_the_setting_and_the_value() {
        assertThatThrownBy(() -> NettyTransportSettings.builder(" ").build()).hasMessageContaining("clusterId");
        assertThatThrownBy(() -> NettyTransportSettings.builder("c").port(70000).build())
                .hasMessageContaining("port").hasMessageContaining("70000");
        assertThatThrownBy(() -> NettyTransportSettings.builder("c").maxFrameSize(100).build())
                .hasMessageContaining("maxFrameSize").hasMessageContaining("100");
        assertThatThrownBy(() -> NettyTransportSettings.builder("c").requestTimeout(Duration.ZERO).build())
                .hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> NettyTransportSettings.builder("c")
                .reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)).build())
                .hasMessageContaining("reconnectBackoffMax");
        assertThatThrownBy(() -> NettyTransportSettings.builder("c").clusterSecret(new byte[3]).build())
                .hasMessageContaining("clusterSecret").hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> NettyTransportSettings.builder("c").writeBufferWaterMarks(10, 5).build())
                .hasMessageContaining("writeBufferHigh");
        assertThatThrownBy(() -> NettyTransportSettings.builder("c").tls(Path.of("/nonexistent.crt"),
                Path.of("/nonexistent.key"), null).build()).hasMessageContaining("tlsCertFile");
        assertThatThrownBy(() -> NettyTransportSettings.builder("c").tls(Path.of("/nonexistent.crt"), null, null)
                .build()).hasMessageContaining("together");
    }

    @Test
    void secret_is_copied_and_never_printed() {
        byte[] secret = "super-secret-value".getBytes(StandardCharsets.UTF_8);
        NettyTransportSettings settings = NettyTransportSettings.builder("c").clusterSecret(secret).build();
        secret[0] = 'X';

        assertThat(settings.clusterSecret()[0]).isEqualTo((byte) 's');
        assertThat(settings.toString()).doesNotContain("super-secret").contains("auth=secret");
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
    }
}
