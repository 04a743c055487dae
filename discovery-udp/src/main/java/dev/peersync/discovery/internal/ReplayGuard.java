package dev.peersync.discovery.internal;

import dev.peersync.core.NodeId;
import dev.peersync.discovery.DropReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, per sender incarnation, the highest sequence number accepted, so an announcement is taken once.
 *
 * <p>An equal sequence number is a {@link DropReason#DUPLICATE} (one announcement reaches us by several paths:
 * broadcast and loopback); a lower one is {@link DropReason#REPLAYED}. An incarnation not heard for
 * {@code forgetAfter} is forgotten: with a cluster secret, {@code forgetAfter} is twice the freshness window, so
 * anything it could still be replayed from is already stale. At most {@code maxEntries} incarnations are kept
 * (the least recently heard goes first), so a flood of invented senders cannot exhaust memory.
 *
 * <p>Not thread-safe: used by the receive thread only.
 */
public final class ReplayGuard {
    private record Key(NodeId nodeId, long incarnation) {
    }

    private record Entry(long highestSequence, Instant lastAccepted) {
    }

    private final Map<Key, Entry> seen = new HashMap<>();
    private final Duration forgetAfter;
    private final int maxEntries;
    private Instant lastSweep = Instant.MIN;

    public ReplayGuard(Duration forgetAfter, int maxEntries) {
        if (forgetAfter.isNegative() || forgetAfter.isZero()) {
            throw new IllegalArgumentException("forgetAfter must be positive, got: " + forgetAfter);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, got: " + maxEntries);
        }
        this.forgetAfter = forgetAfter;
        this.maxEntries = maxEntries;
    }

    /** Records the announcement if its sequence number is new for its incarnation; otherwise says why not. */
    public Optional<Drop> admit(Announcement a, Instant now) {
        sweep(now);
        Key key = new Key(a.nodeId(), a.incarnation());
        Entry entry = seen.get(key);
        if (entry != null && a.sequence() == entry.highestSequence()) {
            return Optional.of(Drop.quiet(DropReason.DUPLICATE));
        }
        if (entry != null && a.sequence() < entry.highestSequence()) {
            return Optional.of(new Drop(DropReason.REPLAYED, "sequence " + a.sequence() + " of node " + a.nodeId()
                    + " is older than " + entry.highestSequence() + ", already accepted; a replayed datagram"));
        }
        if (entry == null && seen.size() >= maxEntries) {
            seen.entrySet().stream().min(Comparator.comparing(e -> e.getValue().lastAccepted()))
                    .ifPresent(oldest -> seen.remove(oldest.getKey()));
        }
        seen.put(key, new Entry(a.sequence(), now));
        return Optional.empty();
    }

    int size() {
        return seen.size();
    }

    private void sweep(Instant now) {
        if (Duration.between(lastSweep, now).compareTo(forgetAfter) < 0) {
            return;
        }
        lastSweep = now;
        Instant cutoff = now.minus(forgetAfter);
        seen.values().removeIf(e -> e.lastAccepted().isBefore(cutoff));
    }
}
