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

        assertThatThrownBy(() -> defaults.withPort(70000)).hasMessageContaining("port").hasMessageContaining("70000");
        assertThatThrownBy(() -> defaults.withTargetPorts(List.of(8002, 0))).hasMessageContaining("targetPorts");
        assertThatThrownBy(() -> defaults.withAnnounceInterval(Duration.ZERO))
                .hasMessageContaining("announceInterval");
        assertThatThrownBy(() -> defaults.withFreshnessWindow(Duration.ofSeconds(1)))
                .hasMessageContaining("freshnessWindow");
        assertThatThrownBy(() -> defaults.withClusterId("x".repeat(65))).hasMessageContaining("clusterId");
        assertThatThrownBy(() -> defaults.withSecret(Optional.of(""))).hasMessageContaining("secret");
        assertThatThrownBy(() -> new LocalNode(NodeId.random(), "n".repeat(129), 0, 0, ""))
                .hasMessageContaining("name");
    }

    @Test
    void to_string_never_shows_the_secret() {
        DiscoverySettings settings = DiscoverySettings.defaults(LOCAL).withSecret(Optional.of("hunter2"));

        assertThat(settings.toString()).doesNotContain("hunter2").contains("secret=(set)");
    }
}
