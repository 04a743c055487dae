package dev.peersync.discovery.internal;

import dev.peersync.core.LogLimiter;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.discovery.DropReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive loop: reads datagrams until the channel is closed, drops those from outside the {@link DiscoveryScope},
 * checks the rest, reports sightings within the {@link PeerLimits}. Each datagram is
 * handled in its own try/catch so one bad datagram (or a failing sink) never stops the loop.
 */
public final class Receiver implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Receiver.class);

    private final DatagramChannel channel;
    private final AnnouncementCheck check;
    private final PeerLimits sink;
    private final DiscoveryCounters counters;
    private final LogLimiter warnings;
    private final DiscoveryScope scope;

    public Receiver(DatagramChannel channel, AnnouncementCheck check, PeerLimits sink,
                    DiscoveryCounters counters, LogLimiter warnings, DiscoveryScope scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.check = Objects.requireNonNull(check, "check");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    @Override
    public void run() {
        // One byte more than the largest accepted datagram: a longer one fills it and is known to be oversized.
        ByteBuffer buffer = ByteBuffer.allocate(AnnouncementCodec.MAX_DATAGRAM + 1);
        while (channel.isOpen()) {
            buffer.clear();
            InetSocketAddress sender;
            try {
                sender = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                warnings.warn("receive", "Discovery receive failed (" + e + "); still listening");
                continue;
            }
            buffer.flip();
            try {
                handle(buffer, sender);
            } catch (RuntimeException e) {
                warnings.warn("handle", "Discovery datagram from " + sender + " could not be handled: " + e);
                log.debug("Discovery datagram handling failed", e);
            }
        }
        log.debug("Discovery receive loop on {} stopped", channel);
    }

    private void handle(ByteBuffer datagram, InetSocketAddress sender) {
        counters.received();
        String host = sender.getAddress().getHostAddress();
        // Before parsing: a datagram from outside the scope is not even looked at.
        Verdict verdict = scope.admits(sender.getAddress()) ? check.check(datagram, host)
                : new Drop(DropReason.OUT_OF_SCOPE, scope.hint());
        if (verdict instanceof Drop drop) {
            counters.dropped(drop.reason());
            if (drop.worthLogging()) {
                warnings.warn(drop.reason().name(), "Dropped discovery datagram from " + sender + " ("
                        + drop.reason().name().toLowerCase(Locale.ROOT) + "): " + drop.hint());
            }
            return;
        }
        Announcement a = ((Verdict.Accept) verdict).announcement();
        Optional<Drop> full = sink.admit(new PeerSighting(a.nodeId(), a.name(), host, a.apiPort(),
                a.p2pPort(), a.softwareVersion(), PeerOrigin.DISCOVERED));
        if (full.isPresent()) {
            counters.dropped(full.get().reason());
            warnings.warn(full.get().reason().name(), "Dropped discovery datagram from " + sender + ": "
                    + full.get().hint());
            return;
        }
        counters.accepted();
    }
}
