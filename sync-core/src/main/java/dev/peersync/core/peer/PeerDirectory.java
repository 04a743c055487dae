package dev.peersync.core.peer;

import dev.peersync.core.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers this node knows, with their health.
 *
 * <p>Invariants: the local node is never listed; a peer is {@link PeerState#ACTIVE} when last seen within
 * {@code suspectAfter}, {@link PeerState#SUSPECT} up to {@code goneAfter}, {@link PeerState#GONE} after that;
 * a sighting makes it active again. Every transition (and every new peer) is reported once to the listeners.
 * State moves on {@link #observe} and on {@link #checkHealth()}, which the owner calls periodically.
 */
public final class PeerDirectory {
    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);

    private final NodeId self;
    private final Duration suspectAfter;
    private final Duration goneAfter;
    private final Clock clock;
    private final Map<NodeId, PeerInfo> peers = new ConcurrentHashMap<>();
    private final List<Consumer<PeerStateChange>> listeners = new CopyOnWriteArrayList<>();

    /** A peer unheard for this long is suspect (the engine pings every second). */
    public static final Duration DEFAULT_SUSPECT_AFTER = Duration.ofSeconds(6);
    /** A peer unheard for this long is gone. */
    public static final Duration DEFAULT_GONE_AFTER = Duration.ofSeconds(15);

    /** A directory with the default health timings ({@link #DEFAULT_SUSPECT_AFTER}, {@link #DEFAULT_GONE_AFTER}). */
    public PeerDirectory(NodeId self, Clock clock) {
        this(self, DEFAULT_SUSPECT_AFTER, DEFAULT_GONE_AFTER, clock);
    }

    public PeerDirectory(NodeId self, Duration suspectAfter, Duration goneAfter, Clock clock) {
        this.self = Objects.requireNonNull(self, "self");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (suspectAfter.isNegative() || suspectAfter.isZero()) {
            throw new IllegalArgumentException("suspectAfter must be positive, got: " + suspectAfter);
        }
        if (goneAfter.compareTo(suspectAfter) <= 0) {
            throw new IllegalArgumentException("goneAfter must be longer than suspectAfter (" + suspectAfter + "), got: "
                    + goneAfter);
        }
        this.suspectAfter = suspectAfter;
        this.goneAfter = goneAfter;
    }

    public NodeId self() {
        return self;
    }

    /** Registers a listener for state changes; each call is isolated, one failing listener stops no other. */
    public void addListener(Consumer<PeerStateChange> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Records that a peer was seen now. Sightings of this node itself are ignored. */
    public void observe(PeerSighting sighting) {
        if (sighting.nodeId().equals(self)) {
            return;
        }
        Instant now = clock.instant();
        PeerStateChange[] change = new PeerStateChange[1];
        peers.compute(sighting.nodeId(), (id, old) -> {
            // A manual entry stays manual, at the operator's address, when it is also heard some other way
            // (an announcement, an inbound connection from another interface): the operator's choice wins.
            boolean keepManual = old != null && old.origin() == PeerOrigin.MANUAL && sighting.origin() != PeerOrigin.MANUAL;
            PeerInfo updated = keepManual
                    ? new PeerInfo(id, sighting.name(), old.host(), old.apiPort(), old.p2pPort(),
                            sighting.softwareVersion(), PeerOrigin.MANUAL, PeerState.ACTIVE, old.firstSeen(), now)
                    : new PeerInfo(id, sighting.name(), sighting.host(), sighting.apiPort(), sighting.p2pPort(),
                            sighting.softwareVersion(), sighting.origin(), PeerState.ACTIVE,
                            old == null ? now : old.firstSeen(), now);
            if (old == null || old.state() != PeerState.ACTIVE) {
                change[0] = new PeerStateChange(updated, old == null ? null : old.state(), PeerState.ACTIVE);
            }
            return updated;
        });
        if (change[0] != null) {
            fire(change[0]);
        }
    }

    /** Ages every peer by the time since it was last seen, firing a change for each transition. */
    public void checkHealth() {
        Instant now = clock.instant();
        for (NodeId id : List.copyOf(peers.keySet())) {
            PeerStateChange[] change = new PeerStateChange[1];
            peers.computeIfPresent(id, (key, old) -> {
                PeerState next = stateFor(Duration.between(old.lastSeen(), now));
                if (next == old.state()) {
                    return old;
                }
                PeerInfo updated = new PeerInfo(old.nodeId(), old.name(), old.host(), old.apiPort(), old.p2pPort(),
                        old.softwareVersion(), old.origin(), next, old.firstSeen(), old.lastSeen());
                change[0] = new PeerStateChange(updated, old.state(), next);
                return updated;
            });
            if (change[0] != null) {
                fire(change[0]);
            }
        }
    }

    private PeerState stateFor(Duration silence) {
        if (silence.compareTo(goneAfter) >= 0) {
            return PeerState.GONE;
        }
        return silence.compareTo(suspectAfter) >= 0 ? PeerState.SUSPECT : PeerState.ACTIVE;
    }

    /** Forgets a peer (an operator removed it). Returns what was known, if anything. */
    public Optional<PeerInfo> remove(NodeId nodeId) {
        return Optional.ofNullable(peers.remove(nodeId));
    }

    public Optional<PeerInfo> get(NodeId nodeId) {
        return Optional.ofNullable(peers.get(nodeId));
    }

    /** All known peers, ordered by node id. */
    public List<PeerInfo> all() {
        List<PeerInfo> list = new ArrayList<>(peers.values());
        list.sort(Comparator.comparing(PeerInfo::nodeId));
        return list;
    }

    /** Peers worth syncing with now: active and suspect ones. */
    public List<PeerInfo> reachable() {
        return all().stream().filter(p -> p.state() != PeerState.GONE).toList();
    }

    private void fire(PeerStateChange change) {
        log.info("Peer {} ({} at {}:{}) {} -> {}", change.peer().nodeId(), change.peer().name(), change.peer().host(),
                change.peer().p2pPort(), change.previous() == null ? "new" : change.previous(), change.current());
        for (Consumer<PeerStateChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.warn("Peer state listener {} failed on {}: {}", listener, change, e.toString(), e);
            }
        }
    }
}
