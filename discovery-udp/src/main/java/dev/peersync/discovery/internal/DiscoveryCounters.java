package dev.peersync.discovery.internal;

import dev.peersync.discovery.DiscoveryStats;
import dev.peersync.discovery.DropReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Live counters behind {@link DiscoveryStats}; safe to update from any thread. */
public final class DiscoveryCounters {
    private final LongAdder sent = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    public DiscoveryCounters() {
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, new LongAdder());
        }
    }

    void sent() {
        sent.increment();
    }

    void sendFailed() {
        sendFailures.increment();
    }

    void received() {
        received.increment();
    }

    void accepted() {
        accepted.increment();
    }

    void dropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    public DiscoveryStats snapshot() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        dropped.forEach((reason, count) -> drops.put(reason, count.sum()));
        return new DiscoveryStats(sent.sum(), sendFailures.sum(), received.sum(), accepted.sum(), drops);
    }
}
