package dev.peersync.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.discovery.DropReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;

class AnnouncementCodecTest {
    private static final Announcement SAMPLE = new Announcement("peersync",
            new NodeId(UUID.fromString("00000000-0000-0001-0000-000000000002")), 7L, 3L, 1_700_000_000_000L,
            "node-é", 8000, 8001, "1.2.3");

    private static final String SECRET = "s3cret-of-at-least-32-bytes-Hq7Zk2Wx";
    /** Static: each codec with a secret runs scrypt once. */
    private static final AnnouncementCodec signing = AnnouncementCodec.forSecret(Optional.of(SECRET), "peersync");
    private final AnnouncementCodec plain = new AnnouncementCodec(Optional.empty());

    @Test
    void unsigned_announcement_round_trips_with_the_documented_layout() {
        byte[] bytes = bytes(plain.encode(SAMPLE));

        // 49 header + (1 + 8) "peersync" + (1 + 7) "node-é" (é is two bytes) + (1 + 5) "1.2.3" = 72
        assertThat(bytes).hasSize(72);
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(2, 'P', 'S', 'D', 0);
        assertThat(ByteBuffer.wrap(bytes, 45, 4).getShort()).isEqualTo((short) 8000);
        Decoding decoded = plain.decode(ByteBuffer.wrap(bytes));
        assertThat(decoded).isInstanceOfSatisfying(Decoding.Parsed.class, parsed -> {
            assertThat(parsed.announcement()).isEqualTo(SAMPLE);
            assertThat(parsed.mac()).isEmpty();
            assertThat(plain.authenticate(ByteBuffer.wrap(bytes), parsed)).isEmpty();
        });
    }

    @Test
    void signed_announcement_round_trips_and_authenticates() {
        byte[] bytes = bytes(signing.encode(SAMPLE));

        assertThat(bytes).hasSize(72 + AnnouncementCodec.MAC_LENGTH);
        assertThat(bytes[4]).isEqualTo((byte) 1);
        Decoding.Parsed parsed = (Decoding.Parsed) signing.decode(ByteBuffer.wrap(bytes));
        assertThat(parsed.announcement()).isEqualTo(SAMPLE);
        assertThat(signing.authenticate(ByteBuffer.wrap(bytes), parsed)).isEmpty();
    }

    @Test
    void largest_announcement_fits_the_datagram_bound() {
        Announcement largest = new Announcement("c".repeat(64), SAMPLE.nodeId(), 1, 1, 1, "n".repeat(128), 65535,
                65535, "v".repeat(64));
        byte[] bytes = bytes(signing.encode(largest));

        assertThat(bytes).hasSize(340).hasSizeLessThanOrEqualTo(AnnouncementCodec.MAX_DATAGRAM);
        assertThat(((Decoding.Parsed) signing.decode(ByteBuffer.wrap(bytes))).announcement()).isEqualTo(largest);
    }

    @Test
    void every_truncation_of_a_signed_announcement_is_dropped_as_truncated() {
        byte[] bytes = bytes(signing.encode(SAMPLE));
        for (int length = 0; length < bytes.length; length++) {
            Decoding decoded = signing.decode(ByteBuffer.wrap(bytes, 0, length));
            assertThat(decoded).as("first %d bytes", length).isInstanceOfSatisfying(Drop.class,
                    drop -> assertThat(drop.reason()).isEqualTo(DropReason.TRUNCATED));
        }
    }

    @Test
    void datagram_longer_than_the_bound_is_oversized() {
        byte[] bytes = Arrays.copyOf(bytes(plain.encode(SAMPLE)), AnnouncementCodec.MAX_DATAGRAM + 1);

        assertThat(reason(plain.decode(ByteBuffer.wrap(bytes)))).isEqualTo(DropReason.OVERSIZED);
    }

    @Test
    void datagram_without_magic_is_foreign() {
        assertThat(reason(plain.decode(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes()))))
                .isEqualTo(DropReason.FOREIGN);
        assertThat(reason(plain.decode(ByteBuffer.wrap(new byte[] {1, 'P', 'X'})))).isEqualTo(DropReason.FOREIGN);
    }

    @Test
    void other_format_version_is_bad_version_including_format_1_keyed_with_the_secret_itself() {
        for (byte version : new byte[] {1, 3}) {
            byte[] bytes = bytes(signing.encode(SAMPLE));
            bytes[0] = version;
            assertThat(reason(signing.decode(ByteBuffer.wrap(bytes)))).isEqualTo(DropReason.BAD_VERSION);
        }
    }

    @Test
    void trailing_bytes_unknown_flags_long_fields_and_bad_utf8_are_malformed() {
        byte[] valid = bytes(plain.encode(SAMPLE));
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        byte[] flags = valid.clone();
        flags[4] = 2;
        byte[] longCluster = valid.clone();
        longCluster[49] = 65; // cluster id length byte: 65 > 64
        byte[] badUtf8 = valid.clone();
        badUtf8[50] = (byte) 0xff; // first byte of "peersync"

        assertThat(reason(plain.decode(ByteBuffer.wrap(trailing)))).isEqualTo(DropReason.MALFORMED);
        assertThat(reason(plain.decode(ByteBuffer.wrap(flags)))).isEqualTo(DropReason.MALFORMED);
        assertThat(reason(plain.decode(ByteBuffer.wrap(longCluster)))).isEqualTo(DropReason.MALFORMED);
        assertThat(reason(plain.decode(ByteBuffer.wrap(badUtf8)))).isEqualTo(DropReason.MALFORMED);
    }

    @Test
    void altered_wrongly_signed_or_unexpectedly_unsigned_announcements_fail_authentication() {
        byte[] altered = bytes(signing.encode(SAMPLE));
        altered[60] ^= 1; // inside the node name
        byte[] otherSecret = bytes(AnnouncementCodec.forSecret(Optional.of("other"), "peersync").encode(SAMPLE));
        byte[] unsigned = bytes(plain.encode(SAMPLE));
        byte[] signed = bytes(signing.encode(SAMPLE));

        assertThat(authenticate(signing, altered)).contains(DropReason.BAD_HMAC);
        assertThat(authenticate(signing, otherSecret)).contains(DropReason.BAD_HMAC);
        assertThat(authenticate(signing, unsigned)).contains(DropReason.BAD_HMAC);
        assertThat(authenticate(plain, signed)).contains(DropReason.BAD_HMAC);
    }

    @Test
    void an_announcement_keyed_with_the_secret_itself_is_refused_and_the_key_depends_on_secret_and_cluster() {
        byte[] keyedWithSecret = bytes(new AnnouncementCodec(Optional.of(SECRET.getBytes(StandardCharsets.UTF_8)))
                .encode(SAMPLE));
        byte[] keyedForAnotherCluster = bytes(AnnouncementCodec.forSecret(Optional.of(SECRET), "other").encode(SAMPLE));
        byte[] derived = bytes(new AnnouncementCodec(AnnouncementKey.derive(Optional.of(SECRET), "peersync"))
                .encode(SAMPLE));

        assertThat(authenticate(signing, keyedWithSecret)).contains(DropReason.BAD_HMAC);
        assertThat(authenticate(signing, keyedForAnotherCluster)).contains(DropReason.BAD_HMAC);
        assertThat(authenticate(signing, derived)).isEmpty();
        assertThat(AnnouncementKey.derive(Optional.of(SECRET), "peersync").orElseThrow())
                .hasSize(AnnouncementKey.LENGTH)
                .isNotEqualTo(SECRET.getBytes(StandardCharsets.UTF_8))
                .isEqualTo(SCrypt.generate(SECRET.getBytes(StandardCharsets.UTF_8),
                        "peersync-discoverypeersync".getBytes(StandardCharsets.UTF_8), 1 << 15, 8, 1, 32));
    }

    private static Optional<DropReason> authenticate(AnnouncementCodec codec, byte[] bytes) {
        Decoding.Parsed parsed = (Decoding.Parsed) codec.decode(ByteBuffer.wrap(bytes));
        return codec.authenticate(ByteBuffer.wrap(bytes), parsed).map(Drop::reason);
    }

    private static DropReason reason(Decoding decoding) {
        assertThat(decoding).isInstanceOf(Drop.class);
        return ((Drop) decoding).reason();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
