package dev.peersync.core.store;

import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import java.time.Instant;

/**
 * One entry of a node's conflict log.
 *
 * @param id          increasing per node: the newest entry has the highest
 * @param type        {@code update_update}, {@code update_delete}, {@code insert_insert}, {@code unique_collision},
 *                    {@code fk_orphan} or {@code clock_skew}
 * @param resolution  {@code incoming_won}, {@code local_kept}, {@code merged}, {@code renamed_incoming},
 *                    {@code renamed_local}, {@code parked}, {@code set_null} or {@code cascaded}
 * @param local       the version held here when the conflict was resolved (null: none, or another key's)
 * @param incoming    the version received
 * @param localRow    the row held here before the resolution, JSON (null when none or not recorded)
 * @param incomingRow the row received, JSON (null for a tombstone)
 * @param peer        the peer the incoming row came from
 * @param detail      a sentence for operators (the holder of a unique value, the parked reason), or null
 */
public record ConflictRecord(long id, Instant at, String table, String pk, String type, String resolution,
                             Version local, Version incoming, String localRow, String incomingRow, NodeId peer,
                             String detail) {
}
