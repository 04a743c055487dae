package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.support.Nodes;
import java.util.List;
import java.util.Map;

/** A valid frame of every message type, for round trips and as seeds of the fuzz tests. */
public final class SampleFrames {
    public static final NodeId ORIGIN = NodeId.parse("00000000-0000-0000-0000-0000000000aa");

    private SampleFrames() {
    }

    /** One sample of every message type. */
    public static Map<MessageType, Frame> all() {
        RowChange live = new RowChange("reviews", "[\"a\"]", 17, ORIGIN, false, "{\"rating\":5,\"title\":\"ok\"}");
        RowChange tomb = new RowChange("reviews", "[\"b\"]", 18, ORIGIN, true, null);
        RowChange derived = new RowChange("reviews", "[\"c\"]", 19, ORIGIN, false, "{\"user_id\":null}", true);
        Map<MessageType, Frame> m = new java.util.EnumMap<>(MessageType.class);
        m.put(MessageType.HELLO, Frame.oneWay(MessageType.HELLO,
                new Bodies.Hello(1, Bodies.Node.of(Nodes.hello("n1")), HandshakeAuth.newNonce(), true, 8001)));
        byte[][] proof = {new byte[] {1, 2}, new byte[] {3}};
        m.put(MessageType.PAKE_ROUND1, Frame.oneWay(MessageType.PAKE_ROUND1,
                new Bodies.PakeRound1("n1", new byte[] {5}, new byte[] {6}, proof, proof)));
        m.put(MessageType.PAKE_ROUND2, Frame.oneWay(MessageType.PAKE_ROUND2, new Bodies.PakeRound2("n1", new byte[] {7}, proof)));
        m.put(MessageType.PAKE_CONFIRM, Frame.oneWay(MessageType.PAKE_CONFIRM, new Bodies.PakeConfirm("n1", new byte[32])));
        m.put(MessageType.REJECT, Frame.oneWay(MessageType.REJECT, new Bodies.Reject(RejectReason.BAD_PROOF, "no")));
        m.put(MessageType.PULL, frame(MessageType.PULL, 1, new PullRequest(List.of("reviews"), "c1", 100)));
        m.put(MessageType.BATCH, frame(MessageType.BATCH, 1,
                new ChangeBatch(List.of(live, tomb, derived), "c2", true)));
        m.put(MessageType.DIGEST, frame(MessageType.DIGEST, 2, new PeerRequest.Digest("reviews")));
        m.put(MessageType.DIGEST_REPLY, frame(MessageType.DIGEST_REPLY, 2,
                new TableDigest("reviews", "abc", 1024, 10, 99)));
        m.put(MessageType.BUCKET_HASHES, frame(MessageType.BUCKET_HASHES, 3, new PeerRequest.BucketHashes("reviews")));
        m.put(MessageType.BUCKET_HASHES_REPLY, new Frame(MessageType.BUCKET_HASHES_REPLY, 3,
                DigestWire.packHashes(List.of(0L, -1L, 0x0123456789abcdefL))));
        List<DigestRange> ranges = List.of(DigestRange.bucket(7), DigestRange.bucket(9).child(63));
        m.put(MessageType.RANGE_DIGESTS, new Frame(MessageType.RANGE_DIGESTS, 4,
                new MessageType.RangesQuery("reviews", DigestWire.triples(ranges))));
        MessageType.RangeDigests digests = new MessageType.RangeDigests(List.of(
                DigestWire.pack(new RangeDigest(ranges.get(0), List.of(new RangeDigest.Child(0, -5, 1),
                        new RangeDigest.Child(63, Long.MAX_VALUE, 300)))),
                DigestWire.pack(new RangeDigest(ranges.get(1), List.of()))));
        m.put(MessageType.RANGE_DIGESTS_REPLY, new Frame(MessageType.RANGE_DIGESTS_REPLY, 4, digests));
        m.put(MessageType.RANGE_VERSIONS, new Frame(MessageType.RANGE_VERSIONS, 8, DigestWire.query("reviews",
                new VersionsRequest(ranges, List.of(42L, -42L), "[\"a\"]", 50))));
        m.put(MessageType.RANGE_VERSIONS_REPLY, frame(MessageType.RANGE_VERSIONS_REPLY, 8,
                new VersionPage(List.of(new RowVersion("[\"a\"]", 17, ORIGIN, false)), true)));
        m.put(MessageType.FETCH_ROWS, frame(MessageType.FETCH_ROWS, 5,
                new PeerRequest.FetchRows("reviews", List.of("[\"a\"]", "[\"b\"]"))));
        m.put(MessageType.FETCH_ROWS_REPLY, new Frame(MessageType.FETCH_ROWS_REPLY, 5,
                new MessageType.Rows(List.of(live, tomb))));
        m.put(MessageType.SNAPSHOT, frame(MessageType.SNAPSHOT, 9,
                new SnapshotRequest("reviews", List.of("id", "rating", "title"), "[\"a\"]", 10_000)));
        m.put(MessageType.SNAPSHOT_PAGE, frame(MessageType.SNAPSHOT_PAGE, 9, new SnapshotPage(
                ("[\"b\"]\t17\t" + ORIGIN + "\tf\tt\t-5102\t\\N\tb\t5\ttab\\there\n[\"c\"]\t18\t" + ORIGIN
                        + "\tt\tf\t731\t\\N\tc\t\\N\t\\N\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                2, "[\"c\"]", true, "v1|" + ORIGIN + "|10:10:|10:10:|10|-9223372036854775808")));
        m.put(MessageType.PING, new Frame(MessageType.PING, 6, Bodies.Empty.INSTANCE));
        m.put(MessageType.PONG, new Frame(MessageType.PONG, 6, Bodies.Empty.INSTANCE));
        m.put(MessageType.ERROR, new Frame(MessageType.ERROR, 7, new Bodies.ErrorReply("database down")));
        m.put(MessageType.PUSH, Frame.oneWay(MessageType.PUSH, Bodies.Empty.INSTANCE));
        return m;
    }

    /** A frame of {@code type} carrying a value of sync-core (a request of the table or an answer) as its wire body. */
    public static Frame frame(MessageType type, int requestId, Object value) {
        return new Frame(type, requestId, type.toWire(value));
    }

}
