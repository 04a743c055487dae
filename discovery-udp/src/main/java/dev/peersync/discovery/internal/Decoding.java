package dev.peersync.discovery.internal;

import java.util.Optional;

/** Result of parsing a datagram: its fields (not yet authenticated), or why it cannot be parsed. */
public sealed interface Decoding permits Decoding.Parsed, Drop {

    /**
     * @param announcement the fields
     * @param mac          the HMAC carried, if the sender signed
     * @param signedLength how many leading bytes the HMAC covers
     */
    record Parsed(Announcement announcement, Optional<byte[]> mac, int signedLength) implements Decoding {
    }
}
