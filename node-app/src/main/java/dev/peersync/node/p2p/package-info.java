/** {@code /api/v1/p2p/*}: status, peers (manual, pending), live settings, conflicts, table data and remote sync, each with its access rule. */
package dev.peersync.node.p2p;
