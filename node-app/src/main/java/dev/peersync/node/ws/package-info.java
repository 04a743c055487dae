/** The WebSocket of sync events: a bounded queue per client, so a slow client never holds the node back. */
package dev.peersync.node.ws;
