package dev.peersync.discovery;

/** Why a received datagram was not taken as a sighting. */
public enum DropReason {
    /**
     * From a host outside discovery's scope: another host while no cluster secret is set (protected mode), or a
     * source outside the subnets of DISCOVERY_INTERFACE.
     */
    OUT_OF_SCOPE,
    /** A new node id while discovery already keeps its maximum of discovered peers. */
    TOO_MANY_PEERS,
    /** Too short for its own fields, or a length runs past the end. */
    TRUNCATED,
    /** Longer than the largest datagram an announcement can be. */
    OVERSIZED,
    /** No peersync magic: another program talks on this port. */
    FOREIGN,
    /** A peersync announcement of a format version this node does not speak. */
    BAD_VERSION,
    /** Structurally wrong: trailing bytes, bad UTF-8, unknown flags. */
    MALFORMED,
    /** Announced by a node of another cluster id. */
    OTHER_CLUSTER,
    /** Missing, unexpected or wrong HMAC: a different cluster secret, or forged. */
    BAD_HMAC,
    /** Timestamp outside the freshness window (only checked with a cluster secret). */
    STALE,
    /** An older sequence number of a sender incarnation than one already accepted. */
    REPLAYED,
    /** The same announcement again: heard through more than one path (broadcast and loopback). Expected. */
    DUPLICATE,
    /** Our own announcement. Expected. */
    SELF
}
