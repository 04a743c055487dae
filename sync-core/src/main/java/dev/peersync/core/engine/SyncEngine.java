package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.event.SyncListener;
import dev.peersync.core.peer.PeerDirectory;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.core.peer.PeerSighting;
import dev.peersync.core.peer.PeerState;
import dev.peersync.core.peer.PeerStateChange;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PeerTransport;
import dev.peersync.core.store.SyncStore;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives sync between this node's {@link SyncStore} and its peers.
 *
 * <ul>
 *   <li>Serves peers through the {@link PeerTransport} (pulls, digests, row fetches).</li>
 *   <li>Pulls from every reachable peer in the {@link PeerDirectory}: at once when the peer notifies new
 *       changes, when it becomes active, on {@link #triggerSync()}, and every sync interval as a fallback.</li>
 *   <li>Tells peers to pull when a local transaction touching a synced table commits (push).</li>
 *   <li>Runs anti-entropy (digest comparison) with each peer periodically, heartbeats peers so manual and
 *       inbound ones keep their health, and collects tombstones every peer has acknowledged.</li>
 * </ul>
 * Events go to {@link SyncListener}s; all work runs on the engine's own threads.
 */
public final class SyncEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /**
     * How much later than local writes a commit that only applied peers' rows is announced. A peer that also pulls
     * those rows' origin directly has usually applied them by then, and its pull then leaves them out (its held cursor
     * covers them) instead of receiving them twice; a peer cut off from the origin still gets them well within a
     * second (see docs/sync-core.md, "Relay").
     */
    static final Duration RELAY_PUSH_DELAY = Duration.ofMillis(250);
    /** Period of folding digest deltas (see {@link #foldDigests()}). */
    private static final Duration DIGEST_FOLD = Duration.ofSeconds(5);
    /** How often the store checks the synced tables' columns (a migration while running). */
    private static final Duration SCHEMA_CHECK = Duration.ofSeconds(1);

    private final SyncStore store;
    private final PeerTransport transport;
    private final PeerDirectory directory;
    private final Clock clock;
    private final AtomicReference<EngineSettings> settings;
    private final EventBus events = new EventBus();
    private final EngineCounters counters = new EngineCounters();
    private final ApplyTracker applies = new ApplyTracker();
    private final TableCounters tableCounters;
    private final AntiEntropy antiEntropy;
    private final SnapshotJoin snapshotJoin;
    private final Map<NodeId, PeerSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final AtomicBoolean pushPending = new AtomicBoolean();
    private final PushWindow pushWindow = new PushWindow();
    private final AtomicBoolean relayPending = new AtomicBoolean();
    /** When peers were last told about a local write (System.nanoTime), for the leading edge of the push window. */
    private final java.util.concurrent.atomic.AtomicLong lastLocalPush = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() - TimeUnit.DAYS.toNanos(1));
    private final PushWindow relayWindow = new PushWindow();
    private final AtomicBoolean folding = new AtomicBoolean();
    private final AtomicBoolean followingSchema = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile SyncStore.Subscription commitListener;
    private volatile ScheduledFuture<?> syncTimer;
    private volatile InetSocketAddress p2pAddress;

    /**
     * @param store      the node's sync store (installed)
     * @param transport  carries traffic to peers; started by {@link #start()}
     * @param directory  the peers this node knows; discovery and operators add to it
     * @param settings   engine behaviour
     * @param clock      time source (tests may pass a fixed or offset clock)
     */
    public SyncEngine(SyncStore store, PeerTransport transport, PeerDirectory directory, EngineSettings settings,
                      Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.settings = new AtomicReference<>(Objects.requireNonNull(settings, "settings"));
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!directory.self().equals(store.nodeId())) {
            throw new IllegalArgumentException("directory is for node " + directory.self() + " but the store belongs to "
                    + store.nodeId() + ": build the PeerDirectory with store.nodeId()");
        }
        this.tableCounters = new TableCounters(store.tables(), clock);
        this.antiEntropy = new AntiEntropy(store, settings.requestTimeout());
        this.snapshotJoin = new SnapshotJoin(store, this::triggerSync, clock, events::onEvent);
        this.scheduler = Executors.newScheduledThreadPool(1, daemon("peersync-timer"));
        this.workers = Executors.newFixedThreadPool(4, daemon("peersync-sync"));
        directory.addListener(this::onPeerStateChange);
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Registers a listener for engine events. */
    public void addListener(SyncListener listener) {
        events.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Starts serving peers and syncing. Returns the P2P address the transport bound. */
    public InetSocketAddress start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("SyncEngine already started");
        }
        LocalService service = new LocalService(store, this::hello, directory, tableCounters, this::onPeerNotified,
                peer -> directory.get(peer).ifPresent(info -> session(info).requestAntiEntropy()));
        p2pAddress = transport.start(service);
        commitListener = store.listenForCommits(this::onLocalCommit);
        scheduleSyncTimer();
        EngineSettings s = settings.get();
        scheduler.scheduleWithFixedDelay(guarded("heartbeat", this::heartbeat), HEARTBEAT.toMillis(),
                HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        long ae = s.antiEntropyInterval().toMillis();
        scheduler.scheduleWithFixedDelay(guarded("anti-entropy", this::requestAntiEntropyAll), ae, ae,
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::foldDigests, 0, DIGEST_FOLD.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::followSchema, SCHEMA_CHECK.toMillis(), SCHEMA_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        long gc = s.tombstoneInterval().toMillis();
        scheduler.scheduleWithFixedDelay(guarded("tombstone collection", this::collectTombstones), gc, gc,
                TimeUnit.MILLISECONDS);
        log.info("Sync engine of node {} ({}) started: P2P on {}, {} table(s), sync interval {} s, sync {}",
                store.nodeId(), s.nodeName(), p2pAddress, store.tables().size(), s.syncInterval().toSeconds(),
                s.enabled() ? "enabled" : "DISABLED");
        directory.reachable().forEach(p -> session(p).requestRound());
        return p2pAddress;
    }

    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("Periodic {} failed: {}", what, e.toString(), e);
            }
        };
    }

    private synchronized void scheduleSyncTimer() {
        if (syncTimer != null) {
            syncTimer.cancel(false);
        }
        long every = settings.get().syncInterval().toMillis();
        syncTimer = scheduler.scheduleWithFixedDelay(guarded("sync", this::triggerSync), every, every,
                TimeUnit.MILLISECONDS);
    }

    private NodeHello hello() {
        EngineSettings s = settings.get();
        InetSocketAddress bound = p2pAddress;
        return new NodeHello(store.nodeId(), s.nodeName(), s.clusterId(), store.schemaShape(), s.apiPort(),
                bound == null ? 0 : bound.getPort(), s.softwareVersion(), store.predecessor().orElse(null));
    }

    public NodeId nodeId() {
        return store.nodeId();
    }

    public SyncStore store() {
        return store;
    }

    public PeerDirectory directory() {
        return directory;
    }

    /** The bound P2P address, once started. */
    public InetSocketAddress p2pAddress() {
        return p2pAddress;
    }

    public EngineSettings settings() {
        return settings.get();
    }

    /** Pulls from every reachable peer now. */
    public void triggerSync() {
        for (PeerInfo peer : directory.reachable()) {
            session(peer).requestRound();
        }
    }

    /** Runs anti-entropy with every reachable peer now (after a pull round). */
    public void requestAntiEntropyAll() {
        for (PeerInfo peer : directory.reachable()) {
            session(peer).requestAntiEntropy();
        }
    }

    /** Changes the fallback sync period; takes effect at once. */
    public void setSyncInterval(Duration interval) {
        settings.updateAndGet(s -> s.toBuilder().syncInterval(interval).build());
        if (started.get()) {
            scheduleSyncTimer();
        }
    }

    /** Turns pulling and pushing on or off; peers are still served. */
    public void setEnabled(boolean enabled) {
        settings.updateAndGet(s -> s.toBuilder().enabled(enabled).build());
        if (enabled) {
            triggerSync();
        }
    }

    /** The snapshot join running now, if one is: rows loaded and the peer's totals. */
    public Optional<JoinProgress> joinProgress() {
        return snapshotJoin.progress();
    }

    /** Long catch-up rounds running now (a round reports once it has run for a second). */
    public List<JoinProgress> catchUps() {
        return sessions.values().stream().map(PeerSession::catchUp).flatMap(Optional::stream).toList();
    }

    public EngineStatus status() {
        EngineSettings s = settings.get();
        List<PeerSyncStatus> peers = directory.all().stream()
                .map(p -> {
                    PeerSession session = sessions.get(p.nodeId());
                    boolean connected = transport.client(new PeerAddress(p.host(), p.p2pPort())).isConnected();
                    if (session == null) {
                        return new PeerSyncStatus(p.nodeId(), p.name(), p.host(), p.apiPort(), p.p2pPort(), p.state(),
                                p.origin(), p.lastSeen(), connected, null, null, 0, 0, 0, 0, -1, Map.of(), -1, List.of());
                    }
                    session.updateInfo(p);
                    return session.status(connected);
                })
                .toList();
        return new EngineStatus(store.nodeId(), s.nodeName(), s.enabled(), s.syncInterval(), peers,
                tableCounters.snapshot(), counters.rounds.get(), counters.conflicts.get(), store.parkedCount(),
                tableCounters.totalApplied(), tableCounters.totalServed());
    }

    private PeerSession session(PeerInfo peer) {
        PeerSession session = sessions.computeIfAbsent(peer.nodeId(), id -> new PeerSession(id, peer, store,
                transport::client, workers, events, tableCounters, antiEntropy, snapshotJoin, clock, counters, settings, applies));
        session.updateInfo(peer);
        return session;
    }

    private void onPeerNotified(NodeId peer) {
        directory.get(peer).ifPresent(info -> session(info).requestRound());
    }

    private void onPeerStateChange(PeerStateChange change) {
        events.onEvent(new SyncEvent.PeerChanged(clock.instant(), change));
        if (change.current() == PeerState.ACTIVE && started.get()) {
            session(change.peer()).requestRound();
        }
    }

    /**
     * Commits were seen: peers are told all at once (see {@link PushWindow}). A local write is announced at once when
     * peers were not told of one during the last push debounce, else at the end of that window (a leading and a
     * trailing edge: a lone write waits for nothing, a burst costs one push per window); commits that only applied
     * peers' rows after {@link #RELAY_PUSH_DELAY}.
     */
    private void onLocalCommit(Set<String> causes) {
        if (causes.contains(SyncStore.LOCAL_WRITE)) {
            long window = settings.get().pushDebounce().toNanos();
            long wait = Math.max(0, window - (System.nanoTime() - lastLocalPush.get()));
            announce(causes, pushWindow, pushPending, TimeUnit.NANOSECONDS.toMillis(wait), lastLocalPush);
        } else {
            announce(causes, relayWindow, relayPending, RELAY_PUSH_DELAY.toMillis(), null);
        }
    }

    private void announce(Set<String> causes, PushWindow window, AtomicBoolean pending, long delayMillis,
                          java.util.concurrent.atomic.AtomicLong pushedAt) {
        window.add(causes);
        if (!settings.get().enabled() || !pending.compareAndSet(false, true)) {
            return;
        }
        scheduler.schedule(() -> {
            pending.set(false);
            if (pushedAt != null) {
                pushedAt.set(System.nanoTime());
            }
            String skip = window.drainPeerToSkip().orElse(null);
            for (PeerInfo peer : directory.reachable()) {
                if (!peer.nodeId().value().toString().equals(skip)) {
                    transport.client(new PeerAddress(peer.host(), peer.p2pPort())).notifyChanges();
                }
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Keeps the health of peers we talk to directly: a peer that answers a handshake is seen. */
    private void heartbeat() {
        directory.checkHealth();
        for (PeerInfo peer : directory.all()) {
            PeerClient client = transport.client(new PeerAddress(peer.host(), peer.p2pPort()));
            client.hello().whenComplete((hello, failure) -> {
                if (hello != null && hello.nodeId().equals(peer.nodeId())) {
                    directory.observe(new PeerSighting(hello.nodeId(), hello.nodeName(), peer.host(), hello.apiPort(),
                            peer.p2pPort(), hello.softwareVersion(), peer.origin()));
                }
            });
        }
    }

    /**
     * Folds the digest deltas that writes and applies left since the last digest read, on a worker thread (a fold
     * after a bulk load takes a while). Without it they pile up until the next anti-entropy pass, whose in-sync check
     * would then pay for every row written since the previous one: after a 1,000,000-row bootstrap, half a second.
     */
    private void foldDigests() {
        onWorkerAlone(folding, "digest fold", () -> store.tables().forEach(store::digest));
    }

    /**
     * A migration may add a column to a synced table while the node runs: the store notices (one catalog query) and
     * follows. Peers compare tables in the handshake, so the node renews its handshakes; then anti-entropy with every
     * peer at once, for rows whose values of the column this node did not have.
     */
    private void followSchema() {
        onWorkerAlone(followingSchema, "schema check", () -> {
            if (store.refreshSchema()) {
                transport.renewHandshakes();
                requestAntiEntropyAll();
            }
        });
    }

    /** Runs {@code task} on a worker unless the previous run (flagged by {@code busy}) is still going. */
    private void onWorkerAlone(AtomicBoolean busy, String what, Runnable task) {
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    guarded(what, task).run();
                } finally {
                    busy.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            busy.set(false); // closing
        }
    }

    private void collectTombstones() {
        List<NodeId> peers = directory.all().stream().map(PeerInfo::nodeId).toList();
        // gc_grace: a peer away for longer than the retention is not waited for; it rejoins by snapshot.
        Duration retention = settings.get().tombstoneMinAge();
        int removed = store.collectTombstones(peers, retention, retention);
        if (removed > 0) {
            log.info("Collected {} tombstone(s) acknowledged by all {} known peer(s)", removed, peers.size());
        }
        int pruned = store.pruneConflicts(); // the conflict log's retention, on the same schedule
        if (pruned > 0) {
            log.info("Pruned {} conflict log entr{} past the retention", pruned, pruned == 1 ? "y" : "ies");
        }
    }

    /** Stops timers, the commit listener and the transport, waiting a bounded time. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        if (commitListener != null) {
            commitListener.close();
        }
        transport.close();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
