package dev.peersync.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {
    @Test
    void defaults_follow_the_design() {
        StoreSettings s = StoreSettings.of(List.of("users"));
        assertThat(s.schema()).isEqualTo("peersync");
        assertThat(s.bucketCount()).isEqualTo(1024);
        assertThat(s.maxClockOffset()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.maxBatchRows()).isEqualTo(5000);
        assertThat(s.clockOffsetMillis()).isZero();
    }

    @Test
    void bad_values_are_rejected_naming_the_parameter_and_value() {
        assertThatThrownBy(() -> StoreSettings.of(List.of())).hasMessageContaining("tables");
        assertThatThrownBy(() -> StoreSettings.builder(List.of("t")).schema("Bad-Name").build())
                .hasMessageContaining("schema").hasMessageContaining("Bad-Name");
        assertThatThrownBy(() -> StoreSettings.builder(List.of("t")).bucketCount(0).build())
                .hasMessageContaining("bucketCount").hasMessageContaining("0");
        assertThatThrownBy(() -> StoreSettings.builder(List.of("t")).maxClockOffset(Duration.ZERO).build())
                .hasMessageContaining("maxClockOffset");
        assertThatThrownBy(() -> StoreSettings.builder(List.of("t")).maxBatchRows(-1).build())
                .hasMessageContaining("maxBatchRows").hasMessageContaining("-1");
    }
}
