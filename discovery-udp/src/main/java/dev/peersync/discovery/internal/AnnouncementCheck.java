package dev.peersync.discovery.internal;

import dev.peersync.core.NodeId;
import dev.peersync.discovery.DropReason;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what becomes of one received datagram, in this order: parse ({@link AnnouncementCodec}), cluster id,
 * self, HMAC, freshness (only with a secret: without one anybody can forge anything, and skewed clocks should
 * not stop discovery), sequence number ({@link ReplayGuard}).
 *
 * <p>Not thread-safe: used by the receive thread only.
 */
public final class AnnouncementCheck {
    private static final int MAX_REMEMBERED_INCARNATIONS = 4096;

    private final AnnouncementCodec codec;
    private final String clusterId;
    private final NodeId self;
    private final long ownIncarnation;
    private final Duration freshnessWindow;
    private final Clock clock;
    private final ReplayGuard replayGuard;

    public AnnouncementCheck(AnnouncementCodec codec, String clusterId, NodeId self, long ownIncarnation,
                             Duration freshnessWindow, Clock clock) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.self = Objects.requireNonNull(self, "self");
        this.ownIncarnation = ownIncarnation;
        this.freshnessWindow = Objects.requireNonNull(freshnessWindow, "freshnessWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replayGuard = new ReplayGuard(freshnessWindow.multipliedBy(2), MAX_REMEMBERED_INCARNATIONS);
    }

    public Verdict check(ByteBuffer datagram, String senderHost) {
        Decoding decoding = codec.decode(datagram);
        if (decoding instanceof Drop drop) {
            return drop;
        }
        Decoding.Parsed parsed = (Decoding.Parsed) decoding;
        Announcement a = parsed.announcement();
        if (!a.clusterId().equals(clusterId)) {
            return new Drop(DropReason.OTHER_CLUSTER, "announcement of cluster '" + a.clusterId() + "' from "
                    + senderHost + ", this node is in cluster '" + clusterId + "'");
        }
        if (a.nodeId().equals(self)) {
            return a.incarnation() == ownIncarnation ? Drop.quiet(DropReason.SELF)
                    : new Drop(DropReason.SELF, "another process at " + senderHost + " announces this node's id "
                    + self + "; was the node's database copied? each node needs its own");
        }
        Optional<Drop> forged = codec.authenticate(datagram, parsed);
        if (forged.isPresent()) {
            return forged.get();
        }
        Instant now = clock.instant();
        if (codec.signs()) {
            long skew = a.timestamp() - now.toEpochMilli();
            if (Math.abs(skew) > freshnessWindow.toMillis()) {
                return new Drop(DropReason.STALE, "announcement of node " + a.nodeId() + " is timestamped " + skew
                        + " ms from this node's clock, beyond the freshness window of " + freshnessWindow.toMillis()
                        + " ms; replayed, or the clocks disagree (check NTP)");
            }
        }
        Optional<Drop> repeated = replayGuard.admit(a, now);
        if (repeated.isPresent()) {
            return repeated.get();
        }
        return new Verdict.Accept(a);
    }
}
