package dev.peersync.core.engine;

import dev.peersync.core.store.SyncStore;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The causes of the local commits seen during one push-debounce window: a local write
 * ({@link SyncStore#LOCAL_WRITE}) or the node id of a peer whose rows were applied. When the only cause
 * was one peer's rows, that peer is not told: its pull would return nothing (the feed never sends a peer its own
 * versions) and cost both sides a round, once per applied batch while it is catching us up.
 */
final class PushWindow {
    private final ConcurrentLinkedQueue<String> causes = new ConcurrentLinkedQueue<>();

    void add(Set<String> commitCauses) {
        causes.addAll(commitCauses);
    }

    /** Ends the window: the peer (node id text) to leave out, if one peer's rows were the only change. */
    Optional<String> drainPeerToSkip() {
        Set<String> window = new HashSet<>();
        for (String cause; (cause = causes.poll()) != null; ) {
            window.add(cause);
        }
        if (window.size() == 1 && !window.contains(SyncStore.LOCAL_WRITE)) {
            return Optional.of(window.iterator().next());
        }
        return Optional.empty();
    }
}
