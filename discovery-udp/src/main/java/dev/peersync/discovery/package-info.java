/**
 * Zero-configuration peer discovery by UDP broadcast: {@link dev.peersync.discovery.UdpDiscovery} announces this
 * node on an interval and reports every authentic announcement it hears to a
 * {@link dev.peersync.core.peer.PeerDirectory}. Build one from {@link dev.peersync.discovery.DiscoverySettings}.
 */
package dev.peersync.discovery;
