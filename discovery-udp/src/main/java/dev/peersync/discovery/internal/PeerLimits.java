package dev.peersync.discovery.internal;

import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.discovery.DropReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Bounds what discovery puts in the peer directory: at most {@code maxPeers} discovered peers (a new id beyond
 * that is dropped, known ones still refresh), and a discovered peer silent for {@code ttl} is forgotten, so ids that
 * were spoofed, or nodes that are gone for good, do not stay forever. Manual and inbound peers are never touched.
 */
public final class PeerLimits {
    private final PeerDirectory directory;
    private final Duration ttl;
    private final int maxPeers;
    private final Clock clock;

    public PeerLimits(PeerDirectory directory, Duration ttl, int maxPeers, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.maxPeers = maxPeers;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Reports the sighting to the directory, or says why it was dropped. */
    public Optional<Drop> admit(PeerSighting sighting) {
        if (directory.get(sighting.nodeId()).isEmpty() && discoveredCount() >= maxPeers) {
            return Optional.of(new Drop(DropReason.TOO_MANY_PEERS, "already " + maxPeers + " discovered peers; "
                    + "announcement of new node " + sighting.nodeId() + " from " + sighting.host() + " ignored until "
                    + "one is forgotten (silent for " + ttl + ")"));
        }
        directory.observe(sighting);
        return Optional.empty();
    }

    /** Forgets discovered peers not heard for the ttl; returns how many. */
    public int evictSilent() {
        Instant cutoff = clock.instant().minus(ttl);
        int evicted = 0;
        for (PeerInfo peer : directory.all()) {
            if (peer.origin() == PeerOrigin.DISCOVERED && peer.lastSeen().isBefore(cutoff)
                    && directory.remove(peer.nodeId()).isPresent()) {
                evicted++;
            }
        }
        return evicted;
    }

    private long discoveredCount() {
        return directory.all().stream().filter(p -> p.origin() == PeerOrigin.DISCOVERED).count();
    }
}
