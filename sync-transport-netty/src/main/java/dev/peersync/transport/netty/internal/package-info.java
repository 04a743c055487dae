/**
 * Implementation of the Netty peer transport. Internal: these classes may change at any time; use
 * {@link dev.peersync.transport.netty.NettyPeerTransport} instead.
 */
package dev.peersync.transport.netty.internal;
