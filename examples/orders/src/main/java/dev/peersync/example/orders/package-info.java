/** The example application: an order book in its own schema, synced between instances with {@code PeerSync}. */
package dev.peersync.example.orders;
