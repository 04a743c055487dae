package dev.peersync.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.VersionsRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class DigestWireTest {

    @Test
    void hashes_are_eight_big_endian_bytes_each() {
        byte[] packed = DigestWire.packHashes(List.of(1L, -1L)).hashes();
        assertThat(packed).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, -1, -1, -1, -1, -1, -1, -1, -1);
        assertThat(DigestWire.hashes(packed)).containsExactly(1L, -1L);
        assertThatThrownBy(() -> DigestWire.hashes(new byte[7])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("packed hashes must be a multiple of 8 bytes, got: 7 bytes");
    }

    @Test
    void a_child_is_its_index_its_hash_and_its_row_count_as_a_varint() {
        RangeDigest digest = new RangeDigest(DigestRange.bucket(2), List.of(
                new RangeDigest.Child(5, 0x0102030405060708L, 1), new RangeDigest.Child(63, -1, 300)));
        MessageType.PackedRangeDigest packed = DigestWire.pack(digest);
        assertThat(packed.range()).containsExactly(2, 0, 0);
        // 5 | 01..08 | 1, then 63 | ff x 8 | 300 = 0b10_0101100 -> 0xac 0x02 (low seven bits first)
        assertThat(packed.children()).containsExactly(5, 1, 2, 3, 4, 5, 6, 7, 8, 1,
                63, -1, -1, -1, -1, -1, -1, -1, -1, 0xac - 256, 2);
        assertThat(DigestWire.unpack(packed)).isEqualTo(digest);
        RangeDigest big = new RangeDigest(DigestRange.bucket(0), List.of(new RangeDigest.Child(0, 7, Long.MAX_VALUE)));
        assertThat(DigestWire.unpack(DigestWire.pack(big))).isEqualTo(big);
    }

    @Test
    void malformed_children_are_refused_with_what_is_wrong() {
        int[] range = {2, 0, 0};
        assertThatThrownBy(() -> DigestWire.unpack(new MessageType.PackedRangeDigest(range, new byte[9])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated entry (9 bytes left)");
        byte[] endless = {1, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
        assertThatThrownBy(() -> DigestWire.unpack(new MessageType.PackedRangeDigest(range, endless)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 9 bytes");
        byte[] badIndex = {64, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        assertThatThrownBy(() -> DigestWire.unpack(new MessageType.PackedRangeDigest(range, badIndex)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("child index must be in [0, 64), got: 64");
        byte[] noRows = {3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> DigestWire.unpack(new MessageType.PackedRangeDigest(range, noRows)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive, got: 0");
        assertThatThrownBy(() -> DigestWire.unpack(new MessageType.PackedRangeDigest(new int[] {2, 0}, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a range is [bucket, depth, prefix], got: [2, 0]");
    }

    @Test
    void a_versions_request_round_trips_and_the_server_caps_its_limit() {
        VersionsRequest request = new VersionsRequest(List.of(DigestRange.bucket(1).child(2)), List.of(9L, -9L),
                "[\"k\"]", 5000);
        assertThat(DigestWire.request(DigestWire.query("t", request))).isEqualTo(request);
        PeerRequest.RangeVersions asked = new PeerRequest.RangeVersions("t", request);
        assertThat(new ServingLimits(10_000).apply(asked)).isEqualTo(asked);
        assertThat(((PeerRequest.RangeVersions) new ServingLimits(100).apply(asked)).request().limit()).isEqualTo(100);
        MessageType.VersionsQuery noRanges = new MessageType.VersionsQuery("t", null, null, "", 10);
        assertThatThrownBy(() -> DigestWire.request(noRanges)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a request names 1 to 256 ranges, got: none");
        MessageType.VersionsQuery zero = new MessageType.VersionsQuery("t", new int[][] {{0, 0, 0}}, null, "", 0);
        assertThatThrownBy(() -> DigestWire.request(zero)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be positive, got: 0");
    }
}
