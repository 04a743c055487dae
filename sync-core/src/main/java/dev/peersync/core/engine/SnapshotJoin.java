package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an empty node joins a peer: the snapshot of every synced table, parents first, in pages, each page loaded in
 * one transaction (bulk inserts where every row is new, the merge rule otherwise; two pages of a table at once); then
 * the peer's feed from the cursor of the first page, which holds every change the pages may lack. Replaying a whole
 * feed instead costs the merge rule's work for every row ever written, several times a bulk load.
 *
 * <p>One join at a time per node: while it runs, rounds with other peers wait (they would only fill the tables
 * with rows the pages bring anyway), and when it ends they are asked for at once. When a page cannot be had (the
 * peer went away, does not serve snapshots, sent a bad page), the join stops and the round pulls the peer's whole
 * feed, whose merge rule skips the rows already loaded.
 */
final class SnapshotJoin {
    private static final Logger log = LoggerFactory.getLogger(SnapshotJoin.class);
    /** Rows asked for per page: about 1.4 MB of review-sized rows, so a small heap holds four pages in flight. */
    static final int PAGE_ROWS = 2_500;
    /**
     * Pages of a table loaded at once. The joining node's load, not the peer's read, is what a join waits for
     * (profiled: 5.7 s of loads against 0.5 s of waiting for pages, 300,000 rows); with cores of its own, a joining
     * node loads 1.6 x faster with two loaders (bench {@code JoinProbe}).
     */
    static final int LOADERS = 2;

    private final SyncStore store;
    private final Runnable afterJoin;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Clock clock;
    private final Consumer<SyncEvent> events;
    private volatile boolean joinedHere;
    private volatile JoinMeter meter;

    /**
     * {@code afterJoin} runs after every join that loaded or tried to: it asks for rounds with all peers;
     * {@code events} receives the joins' progress reports.
     */
    SnapshotJoin(SyncStore store, Runnable afterJoin, Clock clock, Consumer<SyncEvent> events) {
        this.store = store;
        this.afterJoin = afterJoin;
        this.clock = clock;
        this.events = events;
    }

    /** The running join's progress, if one runs. */
    Optional<JoinProgress> progress() {
        JoinMeter running = meter;
        return running == null ? Optional.empty() : Optional.of(running.progress());
    }

    enum Status {
        /** The node holds rows: it catches up through the feed. */
        NOT_EMPTY,
        /** Another peer's join is running: this round waits for it. */
        BUSY,
        /** Every table loaded: the feed continues from {@link Outcome#cursor()}. */
        JOINED,
        /** Stopped part way: the feed from the start brings the rest. */
        STOPPED,
        /**
         * This node joined another peer by snapshot: this peer's feed is followed from its current position
         * ({@link Outcome#cursor()}), with an anti-entropy pass for what it wrote before.
         */
        FROM_NOW
    }

    /** What a join did: its status, the cursor to pull from (JOINED only), and the rows it loaded. */
    record Outcome(Status status, String cursor, int rows, Map<String, Integer> perTable) {
        static Outcome of(Status status) {
            return new Outcome(status, "", 0, Map.of());
        }
    }

    /**
     * Joins {@code peer} by snapshot when this node's synced tables are empty and no other join is running. A node that
     * is not empty follows the peer's feed from its current position (FROM_NOW) when what the feed held before is
     * known here otherwise: this node joined another peer by snapshot, or the peer has a predecessor (its database was
     * restored into another cluster or cloned, and got a new id: its earlier rows came from a node we know).
     */
    Outcome joinIfEmpty(NodeId peer, PeerClient client, Duration timeout, boolean peerHasPredecessor)
            throws InterruptedException {
        if (!running.compareAndSet(false, true)) {
            return Outcome.of(Status.BUSY);
        }
        Outcome outcome = Outcome.of(Status.NOT_EMPTY);
        try {
            if (store.isEmpty()) {
                outcome = join(peer, client, timeout);
                joinedHere |= outcome.status() == Status.JOINED;
            } else if (joinedHere || peerHasPredecessor) {
                return fromNow(peer, client, timeout, joinedHere ? "this node joined another peer by snapshot"
                        : "its database was restored into another cluster or cloned, and took a new id");
            }
        } finally {
            running.set(false);
        }
        if (outcome.status() != Status.NOT_EMPTY) {
            afterJoin.run();
        }
        return outcome;
    }

    /**
     * The peer's current feed position, for a node that joined another peer by snapshot (replaying this peer's
     * whole feed would only bring versions the snapshot held), or for a peer with a predecessor (its feed's earlier
     * rows came from a node we know). What this peer wrote before and we lack reaches us by relay once another peer
     * has it, and the anti-entropy pass the caller runs finds the rest. Without the position (an old peer), the
     * whole feed.
     */
    private Outcome fromNow(NodeId peer, PeerClient client, Duration timeout, String why) throws InterruptedException {
        String table = store.tables().get(0);
        try {
            SnapshotPage page = Futures.await(client.snapshot(
                    new SnapshotRequest(table, store.snapshotColumns(table), "", 1)), timeout);
            log.info("Following {}'s feed from its current position: {}", peer, why);
            return new Outcome(Status.FROM_NOW, page.feedCursor(), 0, Map.of());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.info("No feed position from {} ({}): pulling its whole feed", peer, e.getMessage());
            return Outcome.of(Status.NOT_EMPTY);
        }
    }

    /**
     * Rejoins {@code peer}, which refused our cursor (this node was away longer than its tombstone retention): its
     * whole snapshot, each page merged with what is here and the keys it deleted without a tombstone left dropped
     * ({@link SyncStore#rejoinSnapshotPage}). JOINED with the cursor to follow its feed from, BUSY while another join
     * runs, STOPPED when a page could not be had (the next round asks again: the peer refuses until a rejoin ends).
     */
    Outcome rejoin(NodeId peer, PeerClient client, Duration timeout) throws InterruptedException {
        if (!running.compareAndSet(false, true)) {
            return Outcome.of(Status.BUSY);
        }
        try {
            log.warn("{} refused our cursor: this node was away longer than its tombstone retention. Rejoining it by"
                    + " snapshot; rows it deleted meanwhile are dropped here, writes made here meanwhile are kept", peer);
            // One page at a time: each drops the stale keys of its range, which the next page's range follows.
            return join(peer, client, timeout, (table, afterPk, page) -> store.rejoinSnapshotPage(peer, table, afterPk, page),
                    1);
        } finally {
            running.set(false);
        }
    }

    /** Loads one page of a table's snapshot that follows {@code afterPk}. */
    private interface PageLoader {
        ApplyResult load(String table, String afterPk, SnapshotPage page);
    }

    private Outcome join(NodeId peer, PeerClient client, Duration timeout) throws InterruptedException {
        return join(peer, client, timeout, (table, afterPk, page) -> store.loadSnapshotPage(peer, table, page), LOADERS);
    }

    private Outcome join(NodeId peer, PeerClient client, Duration timeout, PageLoader loader, int loaders)
            throws InterruptedException {
        meter = new JoinMeter(peer, totals(client, timeout), clock, events);
        ExecutorService loads = Executors.newFixedThreadPool(loaders, SyncEngine.daemon("peersync-snapshot-load"));
        try {
            return load(peer, client, timeout, loader, loads, loaders);
        } finally {
            loads.shutdown();
            meter.finish();
            meter = null;
        }
    }

    /** The peer's live rows per table, for progress (0 for a table it could not count). */
    private Map<String, Long> totals(PeerClient client, Duration timeout) throws InterruptedException {
        Map<String, Long> totals = new LinkedHashMap<>();
        for (String table : store.tables()) {
            long total = 0;
            try {
                total = Futures.await(client.digest(table), timeout).rowCount();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                log.debug("No row count of {} from the peer: {}", table, e.getMessage());
            }
            totals.put(table, total);
        }
        return totals;
    }

    /** A page being loaded: its table, the rows it holds, and the load. */
    private record Loading(String table, int pageRows, Future<ApplyResult> load) {
    }

    /**
     * Loads every table's pages, parents first. Up to {@code loaders} pages of a table load at once (their keys are
     * disjoint, and the store lets page loads run together); the next page is asked for as soon as one arrives, so the
     * peer reads it while the others load. A table's pages are all in before the next table's start.
     */
    private Outcome load(NodeId peer, PeerClient client, Duration timeout, PageLoader loader, ExecutorService loads,
                         int loaders) throws InterruptedException {
        long started = System.nanoTime();
        String cursor = null;
        Map<String, Integer> perTable = new LinkedHashMap<>();
        Deque<Loading> loading = new ArrayDeque<>();
        int rows = 0;
        for (String table : store.tables()) {
            List<String> columns = store.snapshotColumns(table);
            try {
                CompletableFuture<SnapshotPage> next = client.snapshot(new SnapshotRequest(table, columns, "", PAGE_ROWS));
                String afterPk = "";
                while (next != null) {
                    SnapshotPage page = Futures.await(next, timeout);
                    if (cursor == null) {
                        cursor = page.feedCursor();
                    }
                    next = page.hasMore()
                            ? client.snapshot(new SnapshotRequest(table, columns, page.lastPk(), PAGE_ROWS)) : null;
                    if (loading.size() == loaders) {
                        rows += loaded(loading.poll(), perTable);
                    }
                    String from = afterPk;
                    loading.add(new Loading(table, page.rows(), loads.submit(() -> loader.load(table, from, page))));
                    afterPk = page.lastPk();
                }
                while (!loading.isEmpty()) {
                    rows += loaded(loading.poll(), perTable);
                }
            } catch (InterruptedException e) {
                loading.forEach(l -> l.load().cancel(true));
                throw e;
            } catch (Exception e) {
                rows += settle(loading, perTable);
                log.info("Snapshot join from {} stopped at table {} after {} row(s): {}; catching up through the"
                        + " change feed instead", peer, table, rows, e.getMessage());
                return new Outcome(Status.STOPPED, "", rows, perTable);
            }
        }
        if (cursor == null) {
            return Outcome.of(Status.NOT_EMPTY); // no synced tables
        }
        log.info("Joined {} by snapshot: {} row(s) loaded in {} ms {}", peer, rows,
                (System.nanoTime() - started) / 1_000_000, perTable);
        return new Outcome(Status.JOINED, cursor, rows, perTable);
    }

    /** Waits for a page's load; returns its rows applied, or throws its failure. */
    private int loaded(Loading page, Map<String, Integer> perTable) throws Exception {
        ApplyResult result;
        try {
            result = page.load().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        meter.loaded(page.table(), page.pageRows());
        perTable.merge(page.table(), result.applied(), Integer::sum);
        return result.applied();
    }

    /** After a failure: waits for the loads still running (a stopped join leaves none behind), counting the loaded. */
    private int settle(Deque<Loading> loading, Map<String, Integer> perTable) throws InterruptedException {
        int rows = 0;
        while (!loading.isEmpty()) {
            try {
                rows += loaded(loading.poll(), perTable);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                log.debug("A snapshot page load also failed: {}", e.getMessage());
            }
        }
        return rows;
    }
}
