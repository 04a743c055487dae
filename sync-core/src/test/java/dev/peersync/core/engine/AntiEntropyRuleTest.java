package dev.peersync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.RowVersion;
import org.junit.jupiter.api.Test;

/** Which of a peer's versions anti-entropy fetches: the merge rule's order, seen from the versions alone. */
class AntiEntropyRuleTest {
    private static final NodeId A = NodeId.parse("00000000-0000-0000-0000-00000000000a");
    private static final NodeId B = NodeId.parse("00000000-0000-0000-0000-00000000000b");

    private static RowVersion v(long hlc, NodeId origin, boolean deleted, boolean derived) {
        return new RowVersion("[1]", hlc, origin, deleted, derived);
    }

    @Test
    void higher_version_or_a_row_we_lack_is_fetched() {
        assertThat(AntiEntropy.peerWins(v(2, A, false, false), null)).isTrue();
        assertThat(AntiEntropy.peerWins(v(2, A, false, false), v(1, B, false, false))).isTrue();
        assertThat(AntiEntropy.peerWins(v(1, B, false, false), v(2, A, false, false))).isFalse();
        assertThat(AntiEntropy.peerWins(v(2, B, false, false), v(2, A, false, false))).as("node id breaks ties").isTrue();
        assertThat(AntiEntropy.peerWins(v(2, A, false, false), v(2, A, false, false))).isFalse();
    }

    @Test
    void the_row_as_written_beats_our_derived_tombstone_or_derived_data_of_the_same_version() {
        assertThat(AntiEntropy.peerWins(v(2, A, false, false), v(2, A, true, false))).isTrue();
        assertThat(AntiEntropy.peerWins(v(2, A, false, false), v(2, A, false, true))).isTrue();
        // A derived peer row, or a tombstone, never beats ours of the same version.
        assertThat(AntiEntropy.peerWins(v(2, A, false, true), v(2, A, false, true))).isFalse();
        assertThat(AntiEntropy.peerWins(v(2, A, false, true), v(2, A, false, false))).isFalse();
        assertThat(AntiEntropy.peerWins(v(2, A, true, false), v(2, A, false, true))).isFalse();
    }

    @Test
    void a_peer_row_ahead_in_some_column_is_fetched_even_when_our_row_version_is_higher() {
        // The peer changed the name at 3 (price still at 1); we changed the price at 4 (name still at 1).
        RowVersion peer = new RowVersion("[1]", 3, B, false, false, "{\"price\": [1, \"" + A + "\"]}");
        RowVersion ours = new RowVersion("[1]", 4, A, false, false, "{\"name\": [1, \"" + A + "\"]}");
        assertThat(AntiEntropy.peerWins(peer, ours)).as("its name is ahead: merged on apply").isTrue();
        // Ours already holds the peer's name edit (merged earlier): nothing to fetch.
        RowVersion merged = new RowVersion("[1]", 4, A, false, false, "{\"name\": [3, \"" + B + "\"]}");
        assertThat(AntiEntropy.peerWins(peer, merged)).isFalse();
        assertThat(DigestHash.storedHash(merged)).as("column versions are part of the stored hash")
                .isNotEqualTo(DigestHash.storedHash(new RowVersion("[1]", 4, A, false, false)));
    }

    @Test
    void a_derived_version_is_stored_with_the_mark_flipped() {
        RowVersion written = v(7, A, false, false);
        RowVersion derived = v(7, A, false, true);
        assertThat(DigestHash.storedHash(written)).isEqualTo(DigestHash.rowHash(written));
        assertThat(DigestHash.storedHash(derived)).isEqualTo(DigestHash.rowHash(written) ^ DigestHash.DERIVED_MARK)
                .isNotEqualTo(DigestHash.storedHash(written));
    }
}
