package dev.peersync.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiscoverySettingsTest {
    private static final LocalNode LOCAL = new LocalNode(NodeId.random(), "node1", 8000, 8001, "1.0");

    @Test
    void defaults_follow_the_guide() {
        DiscoverySettings defaults = DiscoverySettings.defaults(LOCAL);

        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.bindHost()).isEqualTo("0.0.0.0");
        assertThat(defaults.port()).isEqualTo(8002);
        assertThat(defaults.targetPorts()).containsExactly(8002, 8004, 8006);
        assertThat(defaults.announceInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.secret()).isEmpty();
    }

    @Test
    void bad_values_are_rejected_naming_the_parameter_and_value() {
        DiscoverySettings defaults = DiscoverySettings.defaults(LOCAL);

        assertThatThrownBy(() -> defaults.toBuilder().port(70000).build()).hasMessageContaining("port").hasMessageContaining("70000");
        assertThatThrownBy(() -> defaults.toBuilder().targetPorts(List.of(8002, 0)).build()).hasMessageContaining("targetPorts");
        assertThatThrownBy(() -> defaults.toBuilder().announceInterval(Duration.ZERO).build())
                .hasMessageContaining("announceInterval");
        assertThatThrownBy(() -> defaults.toBuilder().freshnessWindow(Duration.ofSeconds(1)).build())
                .hasMessageContaining("freshnessWindow");
        assertThatThrownBy(() -> defaults.toBuilder().clusterId("x".repeat(65)).build()).hasMessageContaining("clusterId");
        assertThatThrownBy(() -> defaults.toBuilder().secret(Optional.of("")).build()).hasMessageContaining("secret");
        assertThatThrownBy(() -> new LocalNode(NodeId.random(), "n".repeat(129), 0, 0, ""))
                .hasMessageContaining("name");
    }

    @Test
    void to_string_never_shows_the_secret() {
        DiscoverySettings settings = DiscoverySettings.builder(LOCAL).secret(Optional.of("hunter2")).build();

        assertThat(settings.toString()).doesNotContain("hunter2").contains("secret=(set)");
    }
}
