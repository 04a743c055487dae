package dev.peersync.node.p2p;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manual peers that could not be reached when added (the guide adds a peer that may not be up yet): kept in the
 * database, retried with exponential backoff ({@link #FIRST_RETRY} doubling up to {@link #MAX_RETRY}), and connected as
 * soon as the peer answers. Status lists each with the last error and the next attempt.
 */
public final class PendingPeers implements AutoCloseable {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(PendingPeers.class);

    /** Tries to connect a request's peer: returns the peer, or throws with why not. */
    interface Connector {
        ManualPeer connect(PeerRequest request);
    }

    private record State(PeerRequest request, int attempts, String lastError, Instant nextAttempt) {
    }

    private final PendingPeerStore store;
    private final Connector connector;
    private final Clock clock;
    private final Map<UUID, State> states = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pending-peers");
        t.setDaemon(true);
        return t;
    });
    private volatile Runnable changed = () -> { };

    PendingPeers(PendingPeerStore store, Connector connector, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Loads the stored pending peers and starts retrying them; {@code changed} runs when the list changes. */
    void start(Runnable changed) {
        this.changed = changed;
        Instant now = clock.instant();
        for (PendingPeerStore.Pending p : store.all()) {
            states.put(p.id(), new State(p.request(), 0, "not tried since the node started", now));
        }
        if (!states.isEmpty()) {
            log.info("Retrying {} pending manual peer(s) from the database", states.size());
        }
        timer.scheduleWithFixedDelay(this::retryDue, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** Keeps a request whose peer could not be reached ({@code why}); returns the id it is listed under. */
    UUID add(PeerRequest request, String why) {
        UUID id = store.save(request);
        states.put(id, new State(request, 1, why, clock.instant().plus(FIRST_RETRY)));
        log.info("Manual peer {}:{} not reachable yet ({}): kept as pending {}, retried with backoff", request.host(),
                request.apiPort(), why, id);
        changed.run();
        return id;
    }

    /** The next attempt for a pending peer. */
    Instant nextAttempt(UUID id) {
        State state = states.get(id);
        return state == null ? null : state.nextAttempt();
    }

    boolean remove(UUID id) {
        boolean known = states.remove(id) != null;
        boolean stored = store.delete(id);
        if (known || stored) {
            changed.run();
        }
        return known || stored;
    }

    /** For status: each pending peer with what was asked, attempts, the last error and the next attempt. */
    public List<Map<String, Object>> view() {
        List<Map<String, Object>> list = new ArrayList<>();
        states.forEach((id, s) -> {
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("id", id.toString());
            peer.put("host", s.request().host());
            peer.put("port", s.request().apiPort());
            peer.put("p2p_port", s.request().p2pPort().orElse(null));
            peer.put("status", "pending");
            peer.put("attempts", s.attempts());
            peer.put("last_error", s.lastError());
            peer.put("next_attempt_at", s.nextAttempt().toString());
            list.add(peer);
        });
        return list;
    }

    private void retryDue() {
        Instant now = clock.instant();
        for (Map.Entry<UUID, State> entry : states.entrySet()) {
            State state = entry.getValue();
            if (state.nextAttempt().isAfter(now)) {
                continue;
            }
            UUID id = entry.getKey();
            try {
                ManualPeer peer = connector.connect(state.request());
                if (states.remove(id) != null) {
                    store.delete(id);
                    log.info("Pending manual peer {} connected after {} attempt(s): {} ({})", id, state.attempts() + 1,
                            peer.nodeId(), peer.name());
                    changed.run();
                }
            } catch (RuntimeException e) {
                int attempts = state.attempts() + 1;
                long backoff = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempts - 1, 20));
                states.computeIfPresent(id, (k, s) -> new State(s.request(), attempts, e.getMessage(),
                        clock.instant().plusMillis(backoff)));
                log.debug("Pending manual peer {} still unreachable (attempt {}): {}", id, attempts, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
