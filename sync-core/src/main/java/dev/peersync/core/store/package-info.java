/**
 * The store SPI: {@link dev.peersync.core.store.SyncStore}, the database side of sync (capture, feed, apply,
 * digests), and its settings. sync-store-postgres implements it.
 */
package dev.peersync.core.store;
