package dev.peersync.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.discovery.DropReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnnouncementCheckTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final NodeId SELF = NodeId.random();
    private static final NodeId PEER = NodeId.random();
    private static final long OWN_INCARNATION = 42;

    private static final AnnouncementCodec codec = AnnouncementCodec.forSecret(Optional.of("secret"), "peersync");
    private final AnnouncementCheck check = new AnnouncementCheck(codec, "peersync", SELF, OWN_INCARNATION,
            Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void fresh_announcement_of_a_peer_is_accepted_once_then_duplicate() {
        Announcement a = announcement(PEER, 9, 1, NOW.toEpochMilli(), "peersync");

        assertThat(check.check(codec.encode(a), "10.0.0.2")).isEqualTo(new Verdict.Accept(a));
        assertThat(reason(a)).isEqualTo(DropReason.DUPLICATE);
    }

    @Test
    void older_sequence_of_the_same_incarnation_is_replayed_but_a_new_incarnation_starts_afresh() {
        assertThat(check.check(codec.encode(announcement(PEER, 9, 5, NOW.toEpochMilli(), "peersync")), "h"))
                .isInstanceOf(Verdict.Accept.class);

        assertThat(reason(announcement(PEER, 9, 4, NOW.toEpochMilli(), "peersync"))).isEqualTo(DropReason.REPLAYED);
        assertThat(check.check(codec.encode(announcement(PEER, 10, 1, NOW.toEpochMilli(), "peersync")), "h"))
                .isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void timestamps_beyond_the_freshness_window_either_way_are_stale() {
        long window = Duration.ofSeconds(30).toMillis();

        assertThat(reason(announcement(PEER, 1, 1, NOW.toEpochMilli() - window - 1, "peersync")))
                .isEqualTo(DropReason.STALE);
        assertThat(reason(announcement(PEER, 1, 2, NOW.toEpochMilli() + window + 1, "peersync")))
                .isEqualTo(DropReason.STALE);
        assertThat(check.check(codec.encode(announcement(PEER, 1, 3, NOW.toEpochMilli() - window, "peersync")), "h"))
                .isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void without_a_secret_clock_skew_does_not_stop_discovery() {
        AnnouncementCodec plain = new AnnouncementCodec(Optional.empty());
        AnnouncementCheck unsigned = new AnnouncementCheck(plain, "peersync", SELF, OWN_INCARNATION,
                Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));
        Announcement skewed = announcement(PEER, 1, 1, NOW.minus(Duration.ofHours(1)).toEpochMilli(), "peersync");

        assertThat(unsigned.check(plain.encode(skewed), "h")).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void other_cluster_and_self_are_dropped_and_only_a_foreign_incarnation_of_self_is_worth_a_warning() {
        assertThat(reason(announcement(PEER, 1, 1, NOW.toEpochMilli(), "other"))).isEqualTo(DropReason.OTHER_CLUSTER);

        Drop own = (Drop) check.check(codec.encode(announcement(SELF, OWN_INCARNATION, 1, NOW.toEpochMilli(),
                "peersync")), "h");
        Drop clone = (Drop) check.check(codec.encode(announcement(SELF, 7, 1, NOW.toEpochMilli(), "peersync")), "h");

        assertThat(own.reason()).isEqualTo(DropReason.SELF);
        assertThat(own.worthLogging()).isFalse();
        assertThat(clone.reason()).isEqualTo(DropReason.SELF);
        assertThat(clone.hint()).contains("another process");
    }

    @Test
    void replay_guard_forgets_silent_incarnations_and_stays_bounded() {
        ReplayGuard guard = new ReplayGuard(Duration.ofSeconds(60), 2);
        Announcement first = announcement(NodeId.random(), 1, 1, 0, "c");

        assertThat(guard.admit(first, NOW)).isEmpty();
        assertThat(guard.admit(announcement(NodeId.random(), 1, 1, 0, "c"), NOW.plusSeconds(1))).isEmpty();
        assertThat(guard.admit(announcement(NodeId.random(), 1, 1, 0, "c"), NOW.plusSeconds(2))).isEmpty();
        assertThat(guard.size()).isEqualTo(2);
        // the least recently heard (first) was evicted, so it is admitted again
        assertThat(guard.admit(first, NOW.plusSeconds(3))).isEmpty();

        guard.admit(announcement(NodeId.random(), 1, 1, 0, "c"), NOW.plusSeconds(200));
        assertThat(guard.size()).isEqualTo(1);
    }

    private DropReason reason(Announcement a) {
        Verdict verdict = check.check(codec.encode(a), "10.0.0.2");
        assertThat(verdict).isInstanceOf(Drop.class);
        return ((Drop) verdict).reason();
    }

    private static Announcement announcement(NodeId node, long incarnation, long sequence, long timestamp,
                                             String cluster) {
        return new Announcement(cluster, node, incarnation, sequence, timestamp, "n", 8000, 8001, "1.0");
    }
}
