package dev.peersync.discovery;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counters of one {@link UdpDiscovery}, a snapshot.
 *
 * @param sent         announcements datagrams sent (one per destination)
 * @param sendFailures datagrams that could not be sent
 * @param received     datagrams received
 * @param accepted     datagrams taken as a sighting
 * @param dropped      datagrams dropped, by reason (every reason present)
 */
public record DiscoveryStats(long sent, long sendFailures, long received, long accepted,
                             Map<DropReason, Long> dropped) {
    public DiscoveryStats {
        Objects.requireNonNull(dropped, "dropped");
        EnumMap<DropReason, Long> complete = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            complete.put(reason, dropped.getOrDefault(reason, 0L));
        }
        dropped = Map.copyOf(complete);
    }

    public long dropped(DropReason reason) {
        return dropped.get(reason);
    }
}
