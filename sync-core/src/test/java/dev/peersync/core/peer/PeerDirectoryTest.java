package dev.peersync.core.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerDirectoryTest {
    private final NodeId self = NodeId.random();
    private final NodeId other = NodeId.random();
    private final MutableClock clock = new MutableClock();
    private final PeerDirectory directory =
            new PeerDirectory(self, Duration.ofSeconds(5), Duration.ofSeconds(15), clock);
    private final List<PeerStateChange> changes = new ArrayList<>();

    PeerDirectoryTest() {
        directory.addListener(changes::add);
    }

    private PeerSighting sighting(NodeId id, String host, PeerOrigin origin) {
        return new PeerSighting(id, "n", host, 8010, 8003, "1", origin);
    }

    @Test
    void never_lists_itself() {
        directory.observe(sighting(self, "127.0.0.1", PeerOrigin.DISCOVERED));
        assertThat(directory.all()).isEmpty();
        assertThat(changes).isEmpty();
    }

    @Test
    void peer_ages_from_active_to_suspect_to_gone_and_comes_back() {
        directory.observe(sighting(other, "10.0.0.2", PeerOrigin.DISCOVERED));
        clock.advance(Duration.ofSeconds(4));
        directory.checkHealth();
        assertThat(directory.get(other)).get().extracting(PeerInfo::state).isEqualTo(PeerState.ACTIVE);
        clock.advance(Duration.ofSeconds(2));
        directory.checkHealth();
        assertThat(directory.get(other)).get().extracting(PeerInfo::state).isEqualTo(PeerState.SUSPECT);
        assertThat(directory.reachable()).hasSize(1);
        clock.advance(Duration.ofSeconds(10));
        directory.checkHealth();
        assertThat(directory.get(other)).get().extracting(PeerInfo::state).isEqualTo(PeerState.GONE);
        assertThat(directory.reachable()).isEmpty();
        directory.observe(sighting(other, "10.0.0.2", PeerOrigin.DISCOVERED));
        assertThat(changes).extracting(PeerStateChange::current)
                .containsExactly(PeerState.ACTIVE, PeerState.SUSPECT, PeerState.GONE, PeerState.ACTIVE);
        assertThat(changes.get(0).previous()).isNull();
    }

    @Test
    void repeated_sightings_of_an_active_peer_fire_no_event() {
        directory.observe(sighting(other, "10.0.0.2", PeerOrigin.DISCOVERED));
        directory.observe(sighting(other, "10.0.0.2", PeerOrigin.DISCOVERED));
        assertThat(changes).hasSize(1);
    }

    @Test
    void manual_peer_keeps_the_operators_address_when_heard_otherwise() {
        directory.observe(sighting(other, "proxy.local", PeerOrigin.MANUAL));
        directory.observe(sighting(other, "10.0.0.2", PeerOrigin.INBOUND));
        assertThat(directory.get(other)).get()
                .satisfies(p -> {
                    assertThat(p.host()).isEqualTo("proxy.local");
                    assertThat(p.origin()).isEqualTo(PeerOrigin.MANUAL);
                });
    }

    @Test
    void a_failing_listener_does_not_stop_the_others() {
        List<PeerStateChange> seen = new ArrayList<>();
        directory.addListener(c -> {
            throw new IllegalStateException("boom");
        });
        directory.addListener(seen::add);
        directory.observe(sighting(other, "10.0.0.2", PeerOrigin.DISCOVERED));
        assertThat(seen).hasSize(1);
    }

    @Test
    void rejects_gone_timeout_not_longer_than_suspect_timeout() {
        assertThatThrownBy(() -> new PeerDirectory(self, Duration.ofSeconds(5), Duration.ofSeconds(5), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("goneAfter");
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
