/** What the engine reports as it works (tables synced, conflicts, parked rows, peers), for listeners. */
package dev.peersync.core.event;
