/** The runnable node: starts its database, the review API, sync-core's engine, the P2P transport and discovery, and stops them in order. */
package dev.peersync.node;
