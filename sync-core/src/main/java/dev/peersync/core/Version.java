package dev.peersync.core;

import java.util.Objects;

/**
 * The version of one row: a hybrid-logical-clock value and the node that wrote it.
 * Ordered by {@code hlc}, then by node id: the total order every node uses for last-writer-wins.
 */
public record Version(long hlc, NodeId node) implements Comparable<Version> {
    public Version {
        Objects.requireNonNull(node, "node");
    }

    @Override
    public int compareTo(Version other) {
        int byClock = Long.compare(hlc, other.hlc);
        return byClock != 0 ? byClock : node.compareTo(other.node);
    }

    public boolean isAfter(Version other) {
        return compareTo(other) > 0;
    }
}
