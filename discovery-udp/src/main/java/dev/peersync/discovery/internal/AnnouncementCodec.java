package dev.peersync.discovery.internal;

import dev.peersync.core.NodeId;
import dev.peersync.discovery.DiscoverySettings;
import dev.peersync.discovery.DropReason;
import dev.peersync.discovery.LocalNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Binary form of an announcement. Every length is bounded; nothing a sender says is trusted.
 *
 * <pre>
 * offset  size  field
 *      0     1  format version = 2
 *      1     3  magic "PSD" (0x50 0x53 0x44): anything else is not ours
 *      4     1  flags: bit 0 = signed (HMAC present); other bits must be 0
 *      5    16  node id (UUID, most then least significant 64 bits, big-endian)
 *     21     8  incarnation (random per process start)
 *     29     8  sequence number within the incarnation
 *     37     8  timestamp, epoch milliseconds, sender's clock
 *     45     2  API port, unsigned
 *     47     2  P2P port, unsigned
 *     49   1+n  cluster id: length byte n (at most 64), UTF-8
 *      .   1+n  node name: length byte n (at most 128), UTF-8
 *      .   1+n  software version: length byte n (at most 64), UTF-8
 *      .    32  HMAC-SHA256(announcement key, every byte before it); only when signed
 * </pre>
 * The announcement key is derived from the cluster secret by scrypt ({@link AnnouncementKey}), never the secret
 * itself: whoever hears an announcement can test guesses offline, each at the cost of one scrypt. Version 1
 * keyed the HMAC with the secret directly; its datagrams are dropped as {@code BAD_VERSION}.
 * The largest announcement is 49 + 3 + 256 + 32 = 340 bytes; a datagram longer than {@link #MAX_DATAGRAM} is
 * dropped unparsed. Thread-safe: a fresh {@link Mac} is made per call.
 */
public final class AnnouncementCodec {
    public static final int VERSION = 2;
    public static final int MAX_DATAGRAM = 512;
    public static final int MAC_LENGTH = 32;
    static final int HEADER_LENGTH = 49;
    private static final byte[] MAGIC = {'P', 'S', 'D'};
    private static final int FLAG_SIGNED = 1;
    private static final String HMAC = "HmacSHA256";

    private final Optional<SecretKeySpec> key;

    /** @param key the announcement key ({@link AnnouncementKey#derive}), or empty to send and expect unsigned ones */
    public AnnouncementCodec(Optional<byte[]> key) {
        this.key = Objects.requireNonNull(key, "key").map(k -> new SecretKeySpec(k, HMAC));
    }

    /** A codec signing with the key derived from {@code secret}: runs scrypt, so once per start. */
    public static AnnouncementCodec forSecret(Optional<String> secret, String clusterId) {
        return new AnnouncementCodec(AnnouncementKey.derive(secret, clusterId));
    }

    public boolean signs() {
        return key.isPresent();
    }

    /** Encodes, signing when a secret is set. Returns a buffer ready to send. */
    public ByteBuffer encode(Announcement a) {
        byte[] cluster = utf8(a.clusterId(), DiscoverySettings.MAX_CLUSTER_ID_BYTES, "clusterId");
        byte[] name = utf8(a.name(), LocalNode.MAX_NAME_BYTES, "name");
        byte[] version = utf8(a.softwareVersion(), LocalNode.MAX_VERSION_BYTES, "softwareVersion");
        ByteBuffer out = ByteBuffer.allocate(MAX_DATAGRAM);
        out.put((byte) VERSION).put(MAGIC).put((byte) (key.isPresent() ? FLAG_SIGNED : 0));
        UUID id = a.nodeId().value();
        out.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        out.putLong(a.incarnation()).putLong(a.sequence()).putLong(a.timestamp());
        out.putShort((short) a.apiPort()).putShort((short) a.p2pPort());
        out.put((byte) cluster.length).put(cluster);
        out.put((byte) name.length).put(name);
        out.put((byte) version.length).put(version);
        if (key.isPresent()) {
            out.put(mac(out.array(), out.position()));
        }
        return out.flip();
    }

    /** Parses one datagram (position to limit) without authenticating it; see {@link #authenticate}. */
    public Decoding decode(ByteBuffer datagram) {
        ByteBuffer in = datagram.slice();
        int size = in.remaining();
        if (size > MAX_DATAGRAM) {
            return new Drop(DropReason.OVERSIZED, "datagram of more than " + MAX_DATAGRAM
                    + " bytes; peersync announcements are smaller, another program sends to this port");
        }
        for (int i = 1; i < Math.min(size, 1 + MAGIC.length); i++) {
            if (in.get(i) != MAGIC[i - 1]) {
                return new Drop(DropReason.FOREIGN, "datagram of " + size
                        + " bytes without the peersync magic; another program sends to this port");
            }
        }
        if (size < 1 + MAGIC.length) {
            return truncated(size, "the magic");
        }
        int version = in.get() & 0xff;
        if (version != VERSION) {
            return new Drop(DropReason.BAD_VERSION, "announcement format version " + version + ", this node speaks "
                    + VERSION + "; the sender runs another peersync release, upgrade the older nodes");
        }
        if (size < HEADER_LENGTH) {
            return truncated(size, "the fixed header");
        }
        in.position(1 + MAGIC.length);
        int flags = in.get() & 0xff;
        if ((flags & ~FLAG_SIGNED) != 0) {
            return new Drop(DropReason.MALFORMED, "unknown flags 0x" + Integer.toHexString(flags));
        }
        NodeId nodeId = new NodeId(new UUID(in.getLong(), in.getLong()));
        long incarnation = in.getLong();
        long sequence = in.getLong();
        long timestamp = in.getLong();
        int apiPort = in.getShort() & 0xffff;
        int p2pPort = in.getShort() & 0xffff;
        String[] texts = new String[3];
        String[] names = {"cluster id", "node name", "software version"};
        int[] limits = {DiscoverySettings.MAX_CLUSTER_ID_BYTES, LocalNode.MAX_NAME_BYTES, LocalNode.MAX_VERSION_BYTES};
        for (int i = 0; i < texts.length; i++) {
            if (!in.hasRemaining()) {
                return truncated(size, "the length of the " + names[i]);
            }
            int length = in.get() & 0xff;
            if (length > limits[i]) {
                return new Drop(DropReason.MALFORMED, names[i] + " of " + length + " bytes, at most " + limits[i]
                        + " allowed");
            }
            if (in.remaining() < length) {
                return truncated(size, "the " + names[i]);
            }
            Optional<String> text = decodeUtf8(in, length);
            if (text.isEmpty()) {
                return new Drop(DropReason.MALFORMED, names[i] + " is not valid UTF-8");
            }
            texts[i] = text.get();
        }
        int signedLength = in.position();
        Optional<byte[]> mac = Optional.empty();
        if ((flags & FLAG_SIGNED) != 0) {
            if (in.remaining() < MAC_LENGTH) {
                return truncated(size, "the HMAC");
            }
            byte[] carried = new byte[MAC_LENGTH];
            in.get(carried);
            mac = Optional.of(carried);
        }
        if (in.hasRemaining()) {
            return new Drop(DropReason.MALFORMED, in.remaining() + " unexpected bytes after the announcement");
        }
        Announcement announcement = new Announcement(texts[0], nodeId, incarnation, sequence, timestamp, texts[1],
                apiPort, p2pPort, texts[2]);
        return new Decoding.Parsed(announcement, mac, signedLength);
    }

    /** Checks the HMAC of a parsed datagram against our secret. Empty when authentic (or no secret on either side). */
    public Optional<Drop> authenticate(ByteBuffer datagram, Decoding.Parsed parsed) {
        if (key.isEmpty() && parsed.mac().isEmpty()) {
            return Optional.empty();
        }
        if (key.isEmpty()) {
            return Optional.of(new Drop(DropReason.BAD_HMAC, "signed announcement, but this node has no "
                    + "CLUSTER_SECRET; set the cluster's CLUSTER_SECRET on this node"));
        }
        if (parsed.mac().isEmpty()) {
            return Optional.of(new Drop(DropReason.BAD_HMAC, "unsigned announcement, but this node has a "
                    + "CLUSTER_SECRET; set the same CLUSTER_SECRET on the sender"));
        }
        byte[] signed = new byte[parsed.signedLength()];
        datagram.slice().get(signed);
        if (!MessageDigest.isEqual(mac(signed, signed.length), parsed.mac().get())) {
            return Optional.of(new Drop(DropReason.BAD_HMAC, "HMAC does not match; the sender has a different "
                    + "CLUSTER_SECRET, or the datagram was forged or altered"));
        }
        return Optional.empty();
    }

    private byte[] mac(byte[] bytes, int length) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key.orElseThrow());
            mac.update(bytes, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM; every Java 17 runtime has it", e);
        }
    }

    private static Drop truncated(int size, String where) {
        return new Drop(DropReason.TRUNCATED, "datagram of " + size + " bytes ends inside " + where
                + "; cut in transit or a broken sender");
    }

    private static byte[] utf8(String text, int max, String field) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " bytes of UTF-8, got "
                    + bytes.length);
        }
        return bytes;
    }

    private static Optional<String> decodeUtf8(ByteBuffer in, int length) {
        ByteBuffer bytes = in.slice().limit(length);
        in.position(in.position() + length);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return Optional.of(chars.toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
