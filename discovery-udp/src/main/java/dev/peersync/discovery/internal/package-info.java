/**
 * Implementation of UDP discovery: datagram codec, checks, replay guard, sender and receiver.
 *
 * <p>Internal: these classes may change at any time, without notice. Use {@link dev.peersync.discovery.UdpDiscovery}.
 */
package dev.peersync.discovery.internal;
