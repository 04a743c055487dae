package dev.peersync.transport.netty.support;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestHash;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LocalSyncService} over a list of rows, for protocol tests (the real one is the sync engine's).
 * The cursor is the index of the next row. Counts calls so tests can prove nothing reached the service.
 */
public class InMemorySyncService extends TypedSyncService {
    public static final int BUCKETS = 16;

    private final NodeHello hello;
    private final List<RowChange> rows = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<NodeId> changesAvailable = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch pullGate;

    public InMemorySyncService(NodeHello hello) {
        this.hello = hello;
    }

    public InMemorySyncService withRows(List<RowChange> newRows) {
        rows.addAll(newRows);
        return this;
    }

    /** Until the returned latch is counted down, every pull blocks (at most 30 s). */
    public CountDownLatch blockPulls() {
        CountDownLatch gate = new CountDownLatch(1);
        pullGate = gate;
        return gate;
    }

    public void unblockPulls() {
        CountDownLatch gate = pullGate;
        pullGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    /** Calls of the data methods (not hello). */
    public int calls() {
        return calls.get();
    }

    public List<NodeId> changesAvailable() {
        return List.copyOf(changesAvailable);
    }

    public List<RowChange> rows() {
        return List.copyOf(rows);
    }

    @Override
    public NodeHello hello() {
        return hello;
    }

    @Override
    public ChangeBatch pull(NodeId requester, PullRequest request) {
        calls.incrementAndGet();
        CountDownLatch gate = pullGate;
        if (gate != null) {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        int from = request.cursor().isEmpty() ? 0 : Integer.parseInt(request.cursor());
        List<RowChange> out = new ArrayList<>();
        int i = from;
        for (; i < rows.size() && out.size() < request.maxRows(); i++) {
            if (request.tables().contains(rows.get(i).table())) {
                out.add(rows.get(i));
            }
        }
        return new ChangeBatch(out, String.valueOf(i), i < rows.size());
    }

    @Override
    public TableDigest digest(String table) {
        calls.incrementAndGet();
        long count = rows.stream().filter(r -> r.table().equals(table)).count();
        long maxHlc = rows.stream().filter(r -> r.table().equals(table)).mapToLong(RowChange::hlc).max().orElse(0);
        return new TableDigest(table, "root-" + count, BUCKETS, count, maxHlc);
    }

    @Override
    public List<Long> bucketHashes(String table) {
        calls.incrementAndGet();
        List<Long> hashes = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            hashes.add(b * 31L);
        }
        return hashes;
    }

    /** Digests of the latest version of each row, placed by {@link DigestHash} as a store places them. */
    @Override
    public List<RangeDigest> rangeDigests(String table, List<DigestRange> ranges) {
        calls.incrementAndGet();
        List<RangeDigest> out = new ArrayList<>();
        for (DigestRange range : ranges) {
            check(range);
            if (!range.hasChildren()) {
                throw new IllegalArgumentException("a range of depth " + DigestRange.MAX_DEPTH
                        + " has no children, got: " + range);
            }
            long[] hashes = new long[DigestRange.FAN_OUT];
            long[] counts = new long[DigestRange.FAN_OUT];
            for (RowVersion v : versions(table, List.of(range))) {
                int child = range.childIndexOf(DigestHash.subHashOf(v.pk()));
                hashes[child] ^= DigestHash.rowHash(v);
                counts[child]++;
            }
            List<RangeDigest.Child> children = new ArrayList<>();
            for (int c = 0; c < DigestRange.FAN_OUT; c++) {
                if (counts[c] > 0) {
                    children.add(new RangeDigest.Child(c, hashes[c], counts[c]));
                }
            }
            out.add(new RangeDigest(range, children));
        }
        return out;
    }

    @Override
    public VersionPage rangeVersions(String table, VersionsRequest request) {
        calls.incrementAndGet();
        request.ranges().forEach(this::check);
        List<RowVersion> page = versions(table, request.ranges()).stream()
                .filter(v -> v.pk().compareTo(request.afterPk()) > 0)
                .filter(v -> !request.knownHashes().contains(DigestHash.rowHash(v)))
                .limit(request.limit() + 1L)
                .toList();
        boolean more = page.size() > request.limit();
        return new VersionPage(more ? page.subList(0, request.limit()) : page, more);
    }

    private void check(DigestRange range) {
        if (range.bucket() >= BUCKETS) {
            throw new IllegalArgumentException("bucket must be in [0, " + BUCKETS + "), got: " + range.bucket());
        }
    }

    /** The latest version of every row of the table in one of the ranges, by key. */
    private List<RowVersion> versions(String table, List<DigestRange> ranges) {
        java.util.Map<String, RowVersion> latest = new java.util.TreeMap<>();
        for (RowChange r : rows) {
            int bucket = DigestHash.bucketOf(r.pk(), BUCKETS);
            int sub = DigestHash.subHashOf(r.pk());
            if (r.table().equals(table) && ranges.stream().anyMatch(range -> range.contains(bucket, sub))) {
                latest.put(r.pk(), new RowVersion(r.pk(), r.hlc(), r.origin(), r.deleted()));
            }
        }
        return List.copyOf(latest.values());
    }

    @Override
    public List<RowChange> fetchRows(String table, List<String> pks) {
        calls.incrementAndGet();
        return rows.stream().filter(r -> r.table().equals(table) && pks.contains(r.pk())).toList();
    }

    /** Pages of the rows in list order; each line is the key, hlc, origin and deleted flag, tab-separated. */
    @Override
    public SnapshotPage snapshot(NodeId requester, SnapshotRequest request) {
        calls.incrementAndGet();
        List<RowChange> table = rows.stream().filter(r -> r.table().equals(request.table())).toList();
        if (table.isEmpty()) {
            throw new IllegalArgumentException("table is not synced here: " + request.table());
        }
        int from = 0;
        while (!request.afterPk().isEmpty() && from < table.size() && !table.get(from).pk().equals(request.afterPk())) {
            from++;
        }
        from = request.afterPk().isEmpty() ? 0 : from + 1;
        List<RowChange> page = table.subList(Math.min(from, table.size()), Math.min(from + request.limit(), table.size()));
        StringBuilder text = new StringBuilder();
        page.forEach(r -> text.append(r.pk()).append('\t').append(r.hlc()).append('\t').append(r.origin())
                .append('\t').append(r.deleted()).append('\n'));
        boolean more = from + page.size() < table.size();
        return new SnapshotPage(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), page.size(), page.isEmpty() ? "" : page.get(page.size() - 1).pk(),
                more, "cursor-" + requester);
    }

    @Override
    public void changesAvailable(NodeId peer) {
        calls.incrementAndGet();
        changesAvailable.add(peer);
    }
}
