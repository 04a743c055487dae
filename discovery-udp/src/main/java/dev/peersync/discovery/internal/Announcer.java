package dev.peersync.discovery.internal;

import dev.peersync.core.LogLimiter;
import dev.peersync.discovery.LocalNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's announcement to every {@link BroadcastTargets} destination. Each destination is tried on its
 * own: one unreachable network stops no other. Call from one thread only (the sequence number is not shared).
 */
public final class Announcer {
    private static final Logger log = LoggerFactory.getLogger(Announcer.class);

    private final DatagramChannel channel;
    private final AnnouncementCodec codec;
    private final BroadcastTargets targets;
    private final String clusterId;
    private final LocalNode local;
    private final long incarnation;
    private final Clock clock;
    private final DiscoveryCounters counters;
    private final LogLimiter warnings;
    private long sequence;

    public Announcer(DatagramChannel channel, AnnouncementCodec codec, BroadcastTargets targets, String clusterId,
                     LocalNode local, long incarnation, Clock clock, DiscoveryCounters counters,
                     LogLimiter warnings) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.local = Objects.requireNonNull(local, "local");
        this.incarnation = incarnation;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    public void announce() {
        sequence++;
        ByteBuffer datagram = codec.encode(new Announcement(clusterId, local.nodeId(), incarnation, sequence,
                clock.millis(), local.name(), local.apiPort(), local.p2pPort(), local.softwareVersion()));
        for (InetSocketAddress destination : destinations()) {
            send(datagram.duplicate(), destination);
        }
    }

    private List<InetSocketAddress> destinations() {
        try {
            return targets.resolve();
        } catch (SocketException e) {
            warnings.warn("interfaces", "Cannot list network interfaces (" + e + "); this announcement is skipped, the "
                    + "next one tries again");
            return List.of();
        }
    }

    private void send(ByteBuffer datagram, InetSocketAddress destination) {
        try {
            channel.send(datagram, destination);
            counters.sent();
        } catch (IOException e) {
            counters.sendFailed();
            if (!channel.isOpen()) {
                log.debug("Discovery channel closed while announcing to {}", destination);
            } else if (destination.getAddress().equals(BroadcastTargets.LIMITED_BROADCAST)) {
                // Expected where no default route exists; the interface broadcasts cover the same segment.
                log.debug("Cannot announce to {}: {}", destination, e.toString());
            } else {
                warnings.warn("send " + destination, "Cannot send discovery announcement to " + destination + ": "
                        + e + "; is the interface down or the network unreachable? Other destinations are still tried");
            }
        }
    }
}
