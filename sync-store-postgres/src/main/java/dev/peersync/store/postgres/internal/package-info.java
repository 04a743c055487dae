/**
 * The PostgreSQL implementation of {@link dev.peersync.core.store.SyncStore}: installed DDL, capture triggers,
 * hybrid logical clock, change feed, apply, digests. Internal: these classes may change at any time, without notice.
 */
package dev.peersync.store.postgres.internal;
