package dev.peersync.core.spi;

import dev.peersync.core.NodeId;

/** The sync metadata of one row, without its data: what anti-entropy compares inside a digest range. */
public record RowVersion(String pk, long hlc, NodeId origin, boolean deleted) {
}
