package dev.peersync.transport.netty.support;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
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
public class InMemorySyncService implements LocalSyncService {
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
    public List<String> bucketHashes(String table) {
        calls.incrementAndGet();
        List<String> hashes = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            hashes.add(String.format("%016x", b * 31L));
        }
        return hashes;
    }

    @Override
    public List<RowVersion> bucketRows(String table, int bucket, String afterPk, int limit) {
        calls.incrementAndGet();
        return rows.stream()
                .filter(r -> r.table().equals(table) && Math.floorMod(r.pk().hashCode(), BUCKETS) == bucket)
                .filter(r -> afterPk == null || r.pk().compareTo(afterPk) > 0)
                .sorted((a, b) -> a.pk().compareTo(b.pk()))
                .limit(limit)
                .map(r -> new RowVersion(r.pk(), r.hlc(), r.origin(), r.deleted()))
                .toList();
    }

    @Override
    public List<RowChange> fetchRows(String table, List<String> pks) {
        calls.incrementAndGet();
        return rows.stream().filter(r -> r.table().equals(table) && pks.contains(r.pk())).toList();
    }

    @Override
    public void changesAvailable(NodeId peer) {
        calls.incrementAndGet();
        changesAvailable.add(peer);
    }
}
