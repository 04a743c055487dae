package dev.peersync.core.peer;

/**
 * A peer's state moved. {@code previous} is {@code null} only when the peer is new to the directory.
 */
public record PeerStateChange(PeerInfo peer, PeerState previous, PeerState current) {
}
