package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerAddress;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.SchemaShape;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.ApplyTransaction;
import dev.peersync.core.store.OriginCounts;
import dev.peersync.core.store.SyncStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sync with one peer: pull rounds (feed batches applied with the cursor in one transaction) and
 * anti-entropy passes. At most one round runs at a time; a request that arrives during a round makes
 * one more round run right after it, so no notification is lost and none piles up.
 */
final class PeerSession {
    private static final Logger log = LoggerFactory.getLogger(PeerSession.class);
    private static final int MAX_BATCHES_PER_ROUND = 10_000;

    private final NodeId peer;
    private final SyncStore store;
    private final Function<PeerAddress, PeerClient> clients;
    private final Executor executor;
    private final EventBus events;
    private final TableCounters tables;
    private final AntiEntropy antiEntropy;
    private final SnapshotJoin snapshotJoin;
    private final Clock clock;
    private final EngineCounters counters;
    private final AtomicReference<EngineSettings> settings;
    private final ApplyTracker applies;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile CatchUpMeter catchUpMeter;
    /** Rows the peer still had for us at its last estimate (0 once a round ended caught up; -1 unknown). */
    private volatile long lagRows = -1;
    private final AtomicBoolean antiEntropyDue = new AtomicBoolean();
    private final AtomicReference<PeerInfo> info = new AtomicReference<>();
    private final AtomicReference<Instant> pendingSince = new AtomicReference<>();
    private final AtomicReference<Instant> lastSyncAt = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicLong rowsApplied = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong clockSkewMillis = new AtomicLong();
    private final AtomicLong rttMillis = new AtomicLong(-1);
    /** The peer's synced tables as of its last handshake (null before the first round). */
    private final AtomicReference<SchemaShape> peerSchema = new AtomicReference<>();
    private final Map<NodeId, OriginCounts> origins = new java.util.concurrent.ConcurrentHashMap<>();

    PeerSession(NodeId peer, PeerInfo info, SyncStore store, Function<PeerAddress, PeerClient> clients,
                Executor executor, EventBus events, TableCounters tables, AntiEntropy antiEntropy, SnapshotJoin snapshotJoin, Clock clock,
                EngineCounters counters, AtomicReference<EngineSettings> settings, ApplyTracker applies) {
        this.peer = peer;
        this.store = store;
        this.clients = clients;
        this.executor = executor;
        this.events = events;
        this.tables = tables;
        this.antiEntropy = antiEntropy;
        this.snapshotJoin = snapshotJoin;
        this.clock = clock;
        this.counters = counters;
        this.settings = settings;
        this.applies = applies;
        this.info.set(info);
    }

    void updateInfo(PeerInfo peerInfo) {
        info.set(peerInfo);
    }

    PeerInfo info() {
        return info.get();
    }

    /** Asks for a pull round as soon as possible. */
    void requestRound() {
        pendingSince.compareAndSet(null, clock.instant());
        again.set(true);
        schedule();
    }

    /** Asks for an anti-entropy pass after the next pull round. */
    void requestAntiEntropy() {
        antiEntropyDue.set(true);
        again.set(true);
        schedule();
    }

    private void schedule() {
        if (running.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (again.getAndSet(false)) {
                runRound();
            }
        } finally {
            running.set(false);
        }
        // A request that raced with the end of the loop must not be lost.
        if (again.get()) {
            schedule();
        }
    }

    private void runRound() {
        if (!settings.get().enabled()) {
            return;
        }
        PeerInfo peerInfo = info.get();
        long started = System.nanoTime();
        int applied = 0;
        int batches = 0;
        String error = null;
        Map<String, Integer> perTable = new HashMap<>();
        try {
            PeerClient client = clients.apply(new PeerAddress(peerInfo.host(), peerInfo.p2pPort()));
            NodeHello hello = await(client.hello());
            if (!hello.nodeId().equals(peer)) {
                throw new IllegalStateException("expected node " + peer + " at " + client.address() + " but "
                        + hello.nodeId() + " answered; the address is stale");
            }
            peerSchema.set(hello.schema());
            String start = store.cursor(peer);
            // No cursor yet: an empty node joins by snapshot; after such a join, another peer's feed is followed
            // from its current position. Not from a peer whose tables differ by a column (a migration under way): a
            // snapshot page has only the columns both have, the feed carries the rest (held values, never-written
            // versions), so the join reads the feed from its start instead.
            if (start.isEmpty() && schemaDrift().isEmpty()) {
                SnapshotJoin.Outcome joined = snapshotJoin.joinIfEmpty(peer, client, settings.get().requestTimeout(),
                        hello.predecessor() != null);
                applied += joined.rows();
                joined.perTable().forEach((t, n) -> perTable.merge(t, n, Integer::sum));
                if (joined.status() == SnapshotJoin.Status.BUSY) {
                    log.debug("Round with {} waits for the snapshot join from another peer", peer);
                    return;
                }
                if (joined.status() == SnapshotJoin.Status.JOINED || joined.status() == SnapshotJoin.Status.FROM_NOW) {
                    start = joined.cursor();
                    store.storeCursor(peer, start);
                    // Jumped to the peer's position: its earlier writes are not all here yet (relay or anti-entropy).
                    store.markCursorHolds(peer, joined.status() == SnapshotJoin.Status.JOINED);
                    antiEntropyDue.compareAndSet(false, joined.status() == SnapshotJoin.Status.FROM_NOW);
                }
            }
            // Pipelined: the next batch is requested before this one is applied, so the peer reads its feed
            // while we write. Only the cursor stored with an applied batch counts, so a failure loses nothing.
            CatchUpMeter meter = new CatchUpMeter(peer, clock, events::onEvent);
            catchUpMeter = meter;
            CompletableFuture<ChangeBatch> next = client.pull(pullAfter(start, meter.estimateDue()));
            try (SourceTransactions transactions = new SourceTransactions()) {
                while (next != null && (batches < MAX_BATCHES_PER_ROUND || transactions.open())) {
                    ChangeBatch batch = await(next);
                    if (batch.rejoin()) {
                        rejoin(client, perTable);
                        return;
                    }
                    if (batch.rewound()) {
                        // The peer's database went back in time: its new writes reuse transaction ids our cursor
                        // had passed. Follow its feed from where it restarted, and compare tables for the rest.
                        log.warn("Peer {}'s feed is behind our cursor on it (its database was restored from a"
                                + " backup?): following it from its start, and comparing tables", peer);
                        store.storeCursor(peer, batch.nextCursor());
                        store.markCursorHolds(peer, false);
                        requestAntiEntropy();
                        return;
                    }
                    next = batch.hasMore() ? client.pull(pullAfter(batch.nextCursor(), meter.estimateDue())) : null;
                    meter.applied(rowsPerTable(batch), batch.remaining());
                    ApplyResult result = transactions.apply(batch);
                    batches++;
                    recordSkew(batch);
                    if (result != null) {
                        applied += result.applied();
                        result.appliedPerTable().forEach((t, n) -> perTable.merge(t, n, Integer::sum));
                    }
                }
            }
            meter.finish();
            lagRows = next == null ? 0 : meter.remaining();
            if (store.parkedCount() > 0) {
                published(store.retryParked());
            }
            // A peer that must rejoin by snapshot holds rows we deleted and collected: comparing with it would
            // bring them back. It waits until the peer rejoins.
            if (antiEntropyDue.get() && !store.isExpired(peer) && antiEntropyDue.getAndSet(false)) {
                AntiEntropy.Pass pass = antiEntropy.run(peer, client, this::published);
                int repaired = pass.results().stream().mapToInt(ApplyResult::applied).sum();
                pass.results().forEach(r -> r.appliedPerTable().forEach((t, n) -> perTable.merge(t, n, Integer::sum)));
                applied += repaired;
                if (pass.tablesDiffering() == 0) {
                    store.markCursorHolds(peer, true); // every table equal: we hold all the peer wrote before
                }
                if (pass.tablesDiffering() > 0) {
                    log.info("Anti-entropy with {}: {} table(s), {} bucket(s) differed, {} range(s) compared,"
                                    + " {} version(s) received, {} row(s) fetched, {} applied", peer,
                            pass.tablesDiffering(), pass.bucketsDiffering(), pass.rangesCompared(),
                            pass.versionsReceived(), pass.rowsFetched(), repaired);
                }
            }
            lastSyncAt.set(clock.instant());
            lastError.set(null);
            pendingSince.set(null);
            measureRtt(client);
        } catch (Exception e) {
            error = describe(e);
            lastError.set(error);
            log.warn("Sync round with {} ({}:{}) failed after {} batch(es): {}", peer, peerInfo.host(),
                    peerInfo.p2pPort(), batches, error);
        } finally {
            catchUpMeter = null;
            rounds.incrementAndGet();
            counters.rounds.incrementAndGet();
            rowsApplied.addAndGet(applied);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        Instant now = clock.instant();
        perTable.forEach((table, count) -> {
            if (count > 0) {
                events.onEvent(new SyncEvent.TableSynced(now, peer, table, count));
            }
        });
        tables.applied(perTable);
        if (applied > 0) {
            log.info("Sync round with {}: {} row(s) applied in {} batch(es), {} ms {}", peer, applied, batches, millis,
                    perTable);
        } else {
            log.debug("Sync round with {}: nothing new, {} ms", peer, millis);
        }
        events.onEvent(new SyncEvent.SyncRoundCompleted(now, peer, applied, batches, millis, error));
    }

    /** The peer refused our cursor (the gc_grace rule): rejoin it by snapshot, then follow its feed from there. */
    private void rejoin(PeerClient client, Map<String, Integer> perTable) throws InterruptedException {
        SnapshotJoin.Outcome joined = snapshotJoin.rejoin(peer, client, settings.get().requestTimeout());
        joined.perTable().forEach((t, n) -> perTable.merge(t, n, Integer::sum));
        rowsApplied.addAndGet(joined.rows());
        if (joined.status() == SnapshotJoin.Status.JOINED) {
            store.storeCursor(peer, joined.cursor());
            store.markCursorHolds(peer, true);
            again.set(true); // pull from the new cursor at once: it tells the peer we rejoined
        }
    }

    /**
     * Applies the batches of one round so that each source transaction commits here in one database transaction:
     * a batch that ends inside a source transaction opens an {@link ApplyTransaction} that the following batches join
     * until one ends on a transaction boundary. Results (counts, events) count once committed.
     */
    private final class SourceTransactions implements AutoCloseable {
        private ApplyTransaction open;
        private ApplyTracker.Applying inProgress;
        private final List<ApplyResult> uncommitted = new java.util.ArrayList<>();

        boolean open() {
            return open != null;
        }

        /** Applies one batch; the results committed with it (null while its source transaction goes on). */
        ApplyResult apply(ChangeBatch batch) throws InterruptedException {
            if (open == null) {
                // Never while holding an open transaction: the apply waited for could be waiting for our row locks.
                applies.awaitOrigins(peer, batch.changes().stream().map(RowChange::origin).distinct().toList(),
                        settings.get().requestTimeout());
                if (!batch.midTransaction()) {
                    return committed(applies.applying(peer,
                            () -> store.applyBatch(peer, batch.changes(), batch.nextCursor())));
                }
                open = store.beginApply(peer);
                inProgress = applies.begin(peer);
            }
            uncommitted.add(open.apply(batch.changes()));
            if (batch.midTransaction()) {
                return null;
            }
            open.commit(batch.nextCursor());
            close();
            ApplyResult all = ApplyResult.sum(uncommitted);
            uncommitted.clear();
            return committed(all);
        }

        private ApplyResult committed(ApplyResult result) {
            result.perOrigin().forEach((origin, n) -> origins.merge(origin, n, OriginCounts::plus));
            published(result);
            return result;
        }

        /** Rolls back a transaction left open (the round failed): its cursor was not stored, so it is pulled again. */
        @Override
        public void close() {
            if (open != null) {
                try {
                    open.close();
                } finally {
                    open = null;
                    inProgress.close();
                }
            }
        }
    }

    /**
     * The next pull, with this node's cursors on other peers' feeds: the peer leaves out the versions those cursors
     * show we already hold from their origin, so a relayed row is applied only where its origin's feed has not
     * brought it yet. Read at every pull, since other sessions move them meanwhile.
     */
    private PullRequest pullAfter(String cursor, boolean estimate) {
        List<String> held = store.heldCursors().entrySet().stream().filter(e -> !e.getKey().equals(peer))
                .map(Map.Entry::getValue).filter(c -> !c.isEmpty()).limit(PullRequest.MAX_HELD_CURSORS).toList();
        return new PullRequest(store.tables(), cursor, settings.get().pullBatchRows(), held, estimate);
    }

    /** The round running now, if it has run long enough to report its progress (a catch-up). */
    java.util.Optional<JoinProgress> catchUp() {
        CatchUpMeter meter = catchUpMeter;
        return meter == null || !meter.reported() ? java.util.Optional.empty() : java.util.Optional.of(meter.progress(false));
    }

    private static Map<String, Integer> rowsPerTable(ChangeBatch batch) {
        Map<String, Integer> counts = new HashMap<>();
        batch.changes().forEach(c -> counts.merge(c.table(), 1, Integer::sum));
        return counts;
    }

    private void published(ApplyResult result) {
        counters.conflicts.addAndGet(result.conflicts().values().stream().mapToLong(Integer::longValue).sum());
        events.publishAll(result.eventsToPublish(clock.instant()));
    }

    /** Columns only one side has, this node's tables as they are now against the peer's last announced ones. */
    private List<String> schemaDrift() {
        SchemaShape theirs = peerSchema.get();
        return theirs == null ? List.of() : store.schemaShape().drift(theirs);
    }

    private void recordSkew(ChangeBatch batch) {
        long maxHlc = 0;
        for (RowChange change : batch.changes()) {
            if (change.origin().equals(peer)) {
                maxHlc = Math.max(maxHlc, change.hlc());
            }
        }
        if (maxHlc > 0) {
            clockSkewMillis.set((maxHlc >>> 16) - clock.millis());
        }
    }

    private void measureRtt(PeerClient client) {
        client.ping().whenComplete((rtt, failure) -> {
            if (rtt != null) {
                rttMillis.set(rtt.toMillis());
            }
        });
    }

    private <T> T await(CompletableFuture<T> future) throws Exception {
        return Futures.await(future, settings.get().requestTimeout());
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    PeerSyncStatus status(boolean connected) {
        PeerInfo p = info.get();
        Instant pending = pendingSince.get();
        long lag = pending == null ? 0 : Math.max(0, clock.millis() - pending.toEpochMilli());
        return new PeerSyncStatus(peer, p.name(), p.host(), p.apiPort(), p.p2pPort(), p.state(), p.origin(),
                p.lastSeen(), connected, lastSyncAt.get(), lastError.get(), rowsApplied.get(), rounds.get(), lag,
                clockSkewMillis.get(), rttMillis.get(), origins, lagRows, schemaDrift());
    }
}
