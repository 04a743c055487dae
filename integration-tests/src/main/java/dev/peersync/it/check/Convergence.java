package dev.peersync.it.check;

import java.time.Duration;

/**
 * Nodes found holding the same rows.
 *
 * @param elapsed from the start of the wait until the nodes first held the data they then kept
 * @param diff    the converged comparison (no differences); its snapshots are the common data
 */
public record Convergence(Duration elapsed, SnapshotDiff diff) {

    /** The common data (the first node's snapshot: all are equal). */
    public NodeSnapshot data() {
        return diff.snapshots().get(0);
    }
}
