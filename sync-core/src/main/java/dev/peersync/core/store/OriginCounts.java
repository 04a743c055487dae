package dev.peersync.core.store;

/**
 * Rows of one origin (the node that wrote their versions) that reached this node, by fate.
 *
 * @param received rows delivered to an apply
 * @param applied  rows whose version won and was written
 * @param skipped  rows ignored because this node already held the same or a newer version (in a mesh: the row
 *                 arrived from its origin and again by relay)
 * @param parked   rows parked (missing parent, unique collision, clock skew)
 */
public record OriginCounts(long received, long applied, long skipped, long parked) {
    public static final OriginCounts ZERO = new OriginCounts(0, 0, 0, 0);

    public OriginCounts plus(OriginCounts other) {
        return new OriginCounts(received + other.received, applied + other.applied, skipped + other.skipped,
                parked + other.parked);
    }
}
