package dev.peersync.discovery.internal;

import dev.peersync.core.NodeId;
import java.util.Objects;

/**
 * One announcement as carried on the wire (see {@link AnnouncementCodec} for the layout).
 *
 * @param incarnation random per process start, so a restarted node's sequence numbers start afresh
 * @param sequence    counts announcements within one incarnation, from 1
 * @param timestamp   sender's clock, epoch milliseconds
 */
public record Announcement(String clusterId, NodeId nodeId, long incarnation, long sequence, long timestamp,
                           String name, int apiPort, int p2pPort, String softwareVersion) {
    public Announcement {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(softwareVersion, "softwareVersion");
    }
}
