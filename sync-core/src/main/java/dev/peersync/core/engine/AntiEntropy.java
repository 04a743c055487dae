package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.Version;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.SyncStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Repairs what the change feed missed by comparing digests with one peer: table roots, then bucket hashes
 * of tables that differ, then row versions of buckets that differ; rows where the peer holds a higher
 * version (or a row we lack) are fetched and applied through the normal merge rule.
 *
 * <p>It only pulls: each side repairs itself from the other during its own pass, so a pass never writes
 * to the peer. Cost when in sync: one small digest request per table.
 */
final class AntiEntropy {
    private static final int ROWS_PER_PAGE = 500;
    private static final int FETCH_CHUNK = 200;

    private final SyncStore store;
    private final Duration timeout;

    AntiEntropy(SyncStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    /** Result of one pass: tables compared, buckets that differed, rows repaired. */
    record Pass(int tablesDiffering, int bucketsDiffering, int rowsFetched, List<ApplyResult> results) {
    }

    Pass run(NodeId peer, PeerClient client, Consumer<ApplyResult> onApplied) throws Exception {
        int tablesDiffering = 0;
        int bucketsDiffering = 0;
        int rowsFetched = 0;
        List<ApplyResult> results = new ArrayList<>();
        for (String table : store.tables()) {
            TableDigest remote = await(client.digest(table));
            TableDigest local = store.digest(table);
            if (remote.rootHash().equals(local.rootHash())) {
                continue;
            }
            tablesDiffering++;
            List<String> remoteBuckets = await(client.bucketHashes(table));
            List<String> localBuckets = store.bucketHashes(table);
            if (remoteBuckets.size() != localBuckets.size()) {
                throw new IllegalStateException("Peer " + peer + " uses " + remoteBuckets.size()
                        + " digest buckets for " + table + ", this node " + localBuckets.size()
                        + ": configure the same bucket count on every node.");
            }
            for (int bucket = 0; bucket < localBuckets.size(); bucket++) {
                if (remoteBuckets.get(bucket).equals(localBuckets.get(bucket))) {
                    continue;
                }
                bucketsDiffering++;
                List<String> wanted = newerOnPeer(client, table, bucket);
                for (int from = 0; from < wanted.size(); from += FETCH_CHUNK) {
                    List<String> chunk = wanted.subList(from, Math.min(wanted.size(), from + FETCH_CHUNK));
                    List<RowChange> rows = await(client.fetchRows(table, chunk));
                    rowsFetched += rows.size();
                    ApplyResult result = store.applyRows(peer, rows);
                    results.add(result);
                    onApplied.accept(result);
                }
            }
        }
        return new Pass(tablesDiffering, bucketsDiffering, rowsFetched, results);
    }

    /** Primary keys in one bucket whose version on the peer is higher than ours, or that we lack. */
    private List<String> newerOnPeer(PeerClient client, String table, int bucket) throws Exception {
        List<String> wanted = new ArrayList<>();
        PagedVersions remote = new PagedVersions(after -> await(client.bucketRows(table, bucket, after, ROWS_PER_PAGE)));
        PagedVersions local = new PagedVersions(after -> store.bucketRows(table, bucket, after, ROWS_PER_PAGE));
        RowVersion r = remote.next();
        RowVersion l = local.next();
        while (r != null) {
            int order = l == null ? -1 : r.pk().compareTo(l.pk());
            if (order < 0) {
                wanted.add(r.pk());
                r = remote.next();
            } else if (order > 0) {
                l = local.next();
            } else {
                // Same version, live there and deleted here: a derived (cascade) tombstone, which the live row
                // beats (see the store's merge rule).
                boolean sameVersionLive = version(r).equals(version(l)) && l.deleted() && !r.deleted();
                if (version(r).isAfter(version(l)) || sameVersionLive) {
                    wanted.add(r.pk());
                }
                r = remote.next();
                l = local.next();
            }
        }
        return wanted;
    }

    private static Version version(RowVersion v) {
        return new Version(v.hlc(), v.origin());
    }

    private <T> T await(CompletableFuture<T> future) throws Exception {
        return Futures.await(future, timeout);
    }

    @FunctionalInterface
    private interface PageSource {
        List<RowVersion> after(String pk) throws Exception;
    }

    /** Iterates a bucket's versions page by page, ordered by pk, holding one page at a time. */
    private static final class PagedVersions {
        private final PageSource source;
        private Iterator<RowVersion> page = List.<RowVersion>of().iterator();
        private String lastPk = "";
        private boolean exhausted;

        PagedVersions(PageSource source) {
            this.source = source;
        }

        RowVersion next() throws Exception {
            if (!page.hasNext() && !exhausted) {
                List<RowVersion> rows = source.after(lastPk);
                exhausted = rows.size() < ROWS_PER_PAGE;
                page = rows.iterator();
            }
            if (!page.hasNext()) {
                return null;
            }
            RowVersion v = page.next();
            lastPk = v.pk();
            return v;
        }
    }
}
