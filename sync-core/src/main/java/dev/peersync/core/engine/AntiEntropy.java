package dev.peersync.core.engine;

import dev.peersync.core.ColumnVersions;
import dev.peersync.core.MergeRule;
import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.SyncStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Repairs what the change feed missed by comparing digests with one peer, top down: table roots; bucket hashes of
 * tables that differ; then, for each bucket that differs, the hashes and row counts of its 64 sub-ranges
 * ({@link DigestRange}), descending only into sub-ranges that differ, until a differing range holds at most
 * {@link #LEAF_ROWS} rows on either side. The row versions of those small ranges are compared (the peer leaves out
 * the versions this node holds already, named by their row hashes), and rows where the peer holds a higher version
 * (or a row we lack) are fetched and applied through the normal merge rule.
 *
 * <p>Cost: one digest request per table when in sync, all sent at once. Otherwise the bucket hashes (8 bytes per bucket), about
 * 650 bytes (860 in base64) of sub-range digests per differing range and level (levels grow with log64 of rows per
 * bucket), and the differing versions and rows themselves: a few rows' repair does not grow with the table. Requests are batched
 * ({@link #RANGES_PER_REQUEST} ranges per request) and the walk is depth first, so memory stays bounded by the
 * batch size and the depth, never by the table.
 *
 * <p>It only pulls: each side repairs itself from the other during its own pass, so a pass never writes to the
 * peer, and a range where the peer has no rows is not looked into.
 */
final class AntiEntropy {
    /** A differing range holding at most this many rows on both sides is compared row by row. */
    static final int LEAF_ROWS = 32;
    /** Ranges per digest or versions request. */
    static final int RANGES_PER_REQUEST = 64;
    private static final int VERSIONS_PER_PAGE = 1000;
    private static final int FETCH_CHUNK = 200;

    private final SyncStore store;
    private final Duration timeout;

    AntiEntropy(SyncStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    /**
     * Result of one pass.
     *
     * @param tablesDiffering  tables whose roots differed
     * @param bucketsDiffering buckets whose hashes differed
     * @param rangesCompared   ranges whose children were compared (each one costs a digest of up to 64 children)
     * @param versionsReceived row versions the peer sent
     * @param rowsFetched      rows fetched from the peer
     * @param results          what applying the fetched rows did
     */
    record Pass(int tablesDiffering, int bucketsDiffering, int rangesCompared, int versionsReceived, int rowsFetched,
                List<ApplyResult> results) {
    }

    Pass run(NodeId peer, PeerClient client, Consumer<ApplyResult> onApplied) throws Exception {
        Tally tally = new Tally();
        // Every table's root is asked for at once: an in-sync check costs one round trip, not one per table.
        Map<String, CompletableFuture<TableDigest>> roots = new LinkedHashMap<>();
        store.tables().forEach(table -> roots.put(table, client.digest(table)));
        for (Map.Entry<String, CompletableFuture<TableDigest>> root : roots.entrySet()) {
            new TableRepair(peer, client, root.getKey(), onApplied, tally).run(root.getValue());
        }
        return new Pass(tally.tablesDiffering, tally.bucketsDiffering, tally.rangesCompared, tally.versionsReceived,
                tally.rowsFetched, tally.results);
    }

    private static final class Tally {
        int tablesDiffering;
        int bucketsDiffering;
        int rangesCompared;
        int versionsReceived;
        int rowsFetched;
        final List<ApplyResult> results = new ArrayList<>();
    }

    /** One table's comparison with the peer. */
    private final class TableRepair {
        private final NodeId peer;
        private final PeerClient client;
        private final String table;
        private final Consumer<ApplyResult> onApplied;
        private final Tally tally;
        /** Differing ranges still to expand; children go first (depth first). */
        private final Deque<DigestRange> pending = new ArrayDeque<>();
        /** Differing ranges small enough to compare row by row (disjoint: none lies inside another). */
        private final List<DigestRange> leaves = new ArrayList<>();

        TableRepair(NodeId peer, PeerClient client, String table, Consumer<ApplyResult> onApplied, Tally tally) {
            this.peer = peer;
            this.client = client;
            this.table = table;
            this.onApplied = onApplied;
            this.tally = tally;
        }

        void run(CompletableFuture<TableDigest> remoteRoot) throws Exception {
            TableDigest remote = await(remoteRoot);
            TableDigest local = store.digest(table);
            if (remote.rootHash().equals(local.rootHash())) {
                return;
            }
            tally.tablesDiffering++;
            CompletableFuture<List<Long>> remoteBucketsAsked = client.bucketHashes(table);
            List<Long> localBuckets = store.bucketHashes(table);
            List<Long> remoteBuckets = await(remoteBucketsAsked);
            if (remoteBuckets.size() != localBuckets.size()) {
                throw new IllegalStateException("Peer " + peer + " uses " + remoteBuckets.size()
                        + " digest buckets for " + table + ", this node " + localBuckets.size()
                        + ": configure the same bucket count on every node.");
            }
            for (int bucket = 0; bucket < localBuckets.size(); bucket++) {
                if (!remoteBuckets.get(bucket).equals(localBuckets.get(bucket))) {
                    tally.bucketsDiffering++;
                    pending.addLast(DigestRange.bucket(bucket));
                }
            }
            while (!pending.isEmpty()) {
                List<DigestRange> batch = new ArrayList<>();
                while (!pending.isEmpty() && batch.size() < RANGES_PER_REQUEST) {
                    batch.add(pending.pollFirst());
                }
                expand(batch);
                while (leaves.size() >= RANGES_PER_REQUEST) {
                    List<DigestRange> full = new ArrayList<>(leaves.subList(0, RANGES_PER_REQUEST));
                    leaves.subList(0, RANGES_PER_REQUEST).clear();
                    compareRows(full);
                }
            }
            if (!leaves.isEmpty()) {
                compareRows(List.copyOf(leaves));
                leaves.clear();
            }
        }

        /** Compares the children of each range with the peer's: differing ones become leaves or pending ranges. */
        private void expand(List<DigestRange> batch) throws Exception {
            CompletableFuture<List<RangeDigest>> asked = client.rangeDigests(table, batch);
            List<RangeDigest> locals = store.rangeDigests(table, batch);
            List<RangeDigest> remotes = await(asked);
            if (remotes.size() != batch.size()) {
                throw new IllegalStateException("Peer " + peer + " answered " + remotes.size() + " range digests of "
                        + table + " for " + batch.size() + " ranges asked");
            }
            tally.rangesCompared += batch.size();
            List<DigestRange> deeper = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                DigestRange range = batch.get(i);
                if (!remotes.get(i).range().equals(range)) {
                    throw new IllegalStateException("Peer " + peer + " answered the digest of " + remotes.get(i).range()
                            + " of " + table + " where " + range + " was asked");
                }
                long[] remoteHashes = remotes.get(i).hashes();
                long[] remoteRows = remotes.get(i).rows();
                long[] localHashes = locals.get(i).hashes();
                long[] localRows = locals.get(i).rows();
                for (int c = 0; c < DigestRange.FAN_OUT; c++) {
                    boolean same = remoteHashes[c] == localHashes[c] && remoteRows[c] == localRows[c];
                    if (same || remoteRows[c] == 0) {
                        continue; // equal, or only we hold rows there: the peer pulls them in its own pass
                    }
                    DigestRange child = range.child(c);
                    if (!child.hasChildren() || Math.max(remoteRows[c], localRows[c]) <= LEAF_ROWS) {
                        leaves.add(child);
                    } else {
                        deeper.add(child);
                    }
                }
            }
            for (int i = deeper.size() - 1; i >= 0; i--) {
                pending.addFirst(deeper.get(i));
            }
        }

        /** Fetches and applies the rows of these ranges where the peer holds a higher version or a row we lack. */
        private void compareRows(List<DigestRange> ranges) throws Exception {
            Map<String, RowVersion> local = new HashMap<>();
            forEachVersion(after -> store.rangeVersions(table, new VersionsRequest(ranges, List.of(), after,
                    VERSIONS_PER_PAGE)), v -> local.put(v.pk(), v));
            // Any subset of our hashes is a correct request: the peer then only sends more versions.
            List<Long> known = local.values().stream().map(DigestHash::storedHash)
                    .limit(VersionsRequest.MAX_KNOWN_HASHES).toList();
            List<String> wanted = new ArrayList<>();
            forEachVersion(after -> await(client.rangeVersions(table, new VersionsRequest(ranges, known, after,
                    VERSIONS_PER_PAGE))), remote -> {
                tally.versionsReceived++;
                if (peerWins(remote, local.get(remote.pk()))) {
                    wanted.add(remote.pk());
                }
            });
            fetchAndApply(wanted);
        }

        /** Fetches in chunks, the next one asked for while this one is applied. */
        private void fetchAndApply(List<String> wanted) throws Exception {
            List<List<String>> chunks = new ArrayList<>();
            for (int from = 0; from < wanted.size(); from += FETCH_CHUNK) {
                chunks.add(wanted.subList(from, Math.min(wanted.size(), from + FETCH_CHUNK)));
            }
            CompletableFuture<List<RowChange>> next = chunks.isEmpty() ? null : client.fetchRows(table, chunks.get(0));
            for (int i = 0; i < chunks.size(); i++) {
                List<RowChange> rows = await(next);
                next = i + 1 < chunks.size() ? client.fetchRows(table, chunks.get(i + 1)) : null;
                tally.rowsFetched += rows.size();
                ApplyResult result = store.applyRows(peer, rows);
                tally.results.add(result);
                onApplied.accept(result);
            }
        }
    }

    /** The peer's version replaces ours or has columns ahead of ours by the {@link MergeRule} (ours null: none). */
    static boolean peerWins(RowVersion remote, RowVersion local) {
        return MergeRule.outcome(side(remote), local == null ? null : side(local)) != MergeRule.Outcome.LOCAL;
    }

    private static MergeRule.Side side(RowVersion v) {
        return new MergeRule.Side(new Version(v.hlc(), v.origin()), v.deleted(), v.derived(),
                ColumnVersions.parse(v.columns()));
    }

    @FunctionalInterface
    private interface VersionPages {
        VersionPage after(String pk) throws Exception;
    }

    /** Pages through versions in key order, one page in memory at a time. */
    private static void forEachVersion(VersionPages pages, Consumer<RowVersion> each) throws Exception {
        String after = "";
        VersionPage page;
        do {
            page = pages.after(after);
            page.versions().forEach(each);
            after = page.versions().isEmpty() ? after : page.versions().get(page.versions().size() - 1).pk();
        } while (page.hasMore() && !page.versions().isEmpty());
    }

    private <T> T await(CompletableFuture<T> future) throws Exception {
        return Futures.await(future, timeout);
    }
}
