package dev.peersync.discovery.internal;

import dev.peersync.discovery.DropReason;
import java.util.Objects;

/**
 * A datagram is dropped.
 *
 * @param hint what was wrong and the likely cause, for the log; empty when the drop is expected (duplicates,
 *             our own announcements) and not worth a log line
 */
public record Drop(DropReason reason, String hint) implements Decoding, Verdict {
    public Drop {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(hint, "hint");
    }

    public static Drop quiet(DropReason reason) {
        return new Drop(reason, "");
    }

    public boolean worthLogging() {
        return !hint.isEmpty();
    }
}
