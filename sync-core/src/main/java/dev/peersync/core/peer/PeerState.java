package dev.peersync.core.peer;

/** Health of a known peer, from how recently it was seen. */
public enum PeerState {
    /** Seen within the suspect timeout. */
    ACTIVE,
    /** Not seen for longer than the suspect timeout: still synced with, but expected to be down. */
    SUSPECT,
    /** Not seen for longer than the gone timeout: no longer contacted until seen again. */
    GONE
}
