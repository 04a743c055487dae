/**
 * The transport SPI and the values that travel between nodes: what a node asks a peer
 * ({@link dev.peersync.core.spi.PeerClient}) and answers it ({@link dev.peersync.core.spi.LocalSyncService}).
 */
package dev.peersync.core.spi;
