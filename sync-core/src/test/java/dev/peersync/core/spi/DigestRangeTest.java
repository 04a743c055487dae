package dev.peersync.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DigestRangeTest {

    @Test
    void children_extend_the_prefix_by_six_bits_down_to_the_deepest_level() {
        DigestRange r = DigestRange.bucket(3);
        for (int level = 1; level <= DigestRange.MAX_DEPTH; level++) {
            r = r.child(63);
        }
        assertThat(r).isEqualTo(new DigestRange(3, 5, (1 << 30) - 1));
        assertThat(r.hasChildren()).isFalse();
        DigestRange deepest = r;
        assertThatThrownBy(() -> deepest.child(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no children");
    }

    @Test
    void bad_values_are_refused_with_the_parameter_and_the_value() {
        assertThatThrownBy(() -> new DigestRange(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bucket must not be negative, got: -1");
        assertThatThrownBy(() -> new DigestRange(0, 6, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("depth must be in [0, 5], got: 6");
        assertThatThrownBy(() -> new DigestRange(0, 1, 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix of a range of depth 1 must be in [0, 64), got: 64");
        assertThatThrownBy(() -> new DigestRange(0, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix of a range of depth 0 must be in [0, 1), got: 1");
        assertThatThrownBy(() -> DigestRange.bucket(0).child(64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("child index must be in [0, 64), got: 64");
    }

    @Test
    void a_range_digest_lists_children_by_ascending_index_and_fills_in_empty_ones() {
        RangeDigest d = new RangeDigest(DigestRange.bucket(0),
                List.of(new RangeDigest.Child(2, 5, 1), new RangeDigest.Child(40, -7, 3)));
        assertThat(d.hashes()).hasSize(64).containsOnly(0L, 5L, -7L);
        assertThat(d.hashes()[40]).isEqualTo(-7);
        assertThat(d.rows()[2]).isEqualTo(1);
        assertThat(d.rows()[3]).isZero();
        assertThatThrownBy(() -> new RangeDigest(DigestRange.bucket(0),
                List.of(new RangeDigest.Child(4, 5, 1), new RangeDigest.Child(4, 6, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("children must be listed by ascending index, got index 4 after 4");
        assertThatThrownBy(() -> new RangeDigest.Child(1, 5, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows of a listed child must be positive, got: 0");
    }

    @Test
    void a_versions_request_is_bounded() {
        List<DigestRange> tooMany = java.util.stream.IntStream.range(0, DigestRange.MAX_RANGES_PER_REQUEST + 1)
                .mapToObj(DigestRange::bucket).toList();
        assertThatThrownBy(() -> new VersionsRequest(tooMany, List.of(), "", 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a request names 1 to 256 ranges, got: 257");
        assertThatThrownBy(() -> new VersionsRequest(List.of(DigestRange.bucket(0)), List.of(), "", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("limit must be positive, got: 0");
        assertThat(new VersionsRequest(List.of(DigestRange.bucket(0)), List.of(), null, 1).afterPk()).isEmpty();
    }
}
