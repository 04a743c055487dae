/**
 * Implementation of sync-core. Internal: these classes may change at any time, without notice.
 * Use the interfaces in {@code dev.peersync.core.store} and {@code dev.peersync.core.spi}.
 */
package dev.peersync.core.internal;
