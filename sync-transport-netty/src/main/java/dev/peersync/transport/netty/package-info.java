/**
 * The peer transport of peersync over TCP with Netty: {@link dev.peersync.transport.netty.NettyPeerTransport}
 * implements sync-core's {@link dev.peersync.core.spi.PeerTransport}. The wire format is described in
 * {@link dev.peersync.transport.netty.internal.WireFormat} and in {@code docs/protocol.md}.
 */
package dev.peersync.transport.netty;
