package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.RowChange;

/** A row to apply and the peer it came from (parked rows remember their peer). */
record Incoming(RowChange change, NodeId peer) {
}
