/** Embedding in one call: {@link dev.peersync.embedded.PeerSync#builder}. */
package dev.peersync.embedded;
