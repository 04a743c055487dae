package dev.peersync.discovery.internal;

/** What becomes of one received datagram: accepted as a sighting, or dropped for a reason. */
public sealed interface Verdict permits Verdict.Accept, Drop {

    /** The datagram is an authentic, fresh announcement of another node of our cluster. */
    record Accept(Announcement announcement) implements Verdict {
    }
}
