package dev.peersync.core;

import java.util.Objects;
import java.util.UUID;

/** The stable identity of a node: generated once, kept in the node's database. */
public record NodeId(UUID value) implements Comparable<NodeId> {
    public NodeId {
        Objects.requireNonNull(value, "value");
    }

    /**
     * The origin of versions no node wrote: a deterministic resolution that every node computes alike (a unique
     * collision's rename). It is the highest id, and no random (version 4) id can equal it, so at one hlc value such a
     * version ranks above every real write and below any write made after it was seen (those carry a higher hlc).
     */
    public static final NodeId RESOLUTION = new NodeId(new UUID(-1L, -1L));

    /**
     * The origin of the version of a column no write reached: a column a node added after the row's version was
     * written, or that the writer's table did not have. With hlc 0 it is below every real version, so any write of the
     * column wins; the column holds its default meanwhile.
     */
    public static final NodeId NEVER = new NodeId(new UUID(0L, 0L));

    public static NodeId random() {
        return new NodeId(UUID.randomUUID());
    }

    /** Parses the canonical UUID text form; throws IllegalArgumentException naming the bad value. */
    public static NodeId parse(String text) {
        try {
            return new NodeId(UUID.fromString(text));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("node id must be a UUID, got: " + text, e);
        }
    }

    @Override
    public int compareTo(NodeId other) {
        return value.toString().compareTo(other.value.toString());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
