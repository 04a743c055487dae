package dev.peersync.core.peer;

/** How a peer became known. */
public enum PeerOrigin {
    /** Heard through discovery announcements. */
    DISCOVERED,
    /** Added by an operator. */
    MANUAL,
    /** It connected to us. */
    INBOUND
}
