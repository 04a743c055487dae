/**
 * The sync engine: pull rounds per peer, pushes on local commit, anti-entropy by digest, snapshot joins, tombstone
 * collection, status. It drives a {@link dev.peersync.core.store.SyncStore} and a
 * {@link dev.peersync.core.spi.PeerTransport}; it holds no SQL and no sockets.
 */
package dev.peersync.core.engine;
