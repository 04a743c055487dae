package dev.peersync.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import org.junit.jupiter.api.Test;

class DigestHashTest {
    private static final NodeId ORIGIN = NodeId.parse("00000000-0000-0000-0000-0000000000aa");

    @Test
    void bucket_and_sub_ranges_come_from_the_key_hash_bits() {
        // md5("[1]") = 35dba5d7 5538a9bb ...: bits 0..31 = 0x35dba5d7 = 903587287, mod 16 = 7.
        // Bits 32..63 = 0x5538a9bb = 010101 010011 100010 101001 101110 11; the sub-hash is the first 30 of them,
        // so the key lies in child 0b010101 = 21 of its bucket, and in child 0b010011 = 19 of that child.
        assertThat(DigestHash.bucketOf("[1]", 16)).isEqualTo(7);
        int sub = DigestHash.subHashOf("[1]");
        assertThat(sub).isEqualTo(0x5538a9bb >>> 2);
        DigestRange bucket = DigestRange.bucket(7);
        assertThat(bucket.childIndexOf(sub)).isEqualTo(21);
        assertThat(bucket.child(21).childIndexOf(sub)).isEqualTo(19);
        assertThat(bucket.child(21).child(19)).isEqualTo(new DigestRange(7, 2, 21 * 64 + 19));
        assertThat(bucket.child(21).child(19).contains(7, sub)).isTrue();
        assertThat(bucket.child(21).child(18).contains(7, sub)).isFalse();
        assertThat(bucket.child(21).contains(6, sub)).isFalse();

        // md5("[\"a\"]") = 4c96bbc0 e2390918 ...: 0x4c96bbc0 mod 16 = 0;
        // 0xe2390918 = 111000 100011 ...: child 56, then 35.
        int a = DigestHash.subHashOf("[\"a\"]");
        assertThat(DigestHash.bucketOf("[\"a\"]", 16)).isZero();
        assertThat(DigestRange.bucket(0).childIndexOf(a)).isEqualTo(56);
        assertThat(DigestRange.bucket(0).child(56).childIndexOf(a)).isEqualTo(35);
    }

    @Test
    void row_hash_is_the_first_64_bits_of_md5_of_the_version_text() {
        // md5("[1]|42|00000000-0000-0000-0000-0000000000aa|false") = e21edce03e66bf04 4...
        assertThat(DigestHash.rowHash(new RowVersion("[1]", 42, ORIGIN, false))).isEqualTo(0xe21edce03e66bf04L);
        assertThat(DigestHash.rowHash(new RowVersion("[1]", 42, ORIGIN, true))).isNotEqualTo(0xe21edce03e66bf04L);
    }

    @Test
    void bucket_count_must_be_positive() {
        assertThatThrownBy(() -> DigestHash.bucketOf("[1]", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bucketCount must be positive, got: 0");
    }
}
