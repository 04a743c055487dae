package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.OriginCounts;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bulk apply paths ({@link NewRowsApply}, {@link SuccessorApply}) share: the batches each took and left to
 * the merge rule's path (diagnostics, and the tests of each path), the order they write tables in, and their result,
 * where every row of the batch was applied.
 */
final class BulkPath {
    private static final Logger log = LoggerFactory.getLogger(BulkPath.class);

    private final String name;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong declined = new AtomicLong();

    BulkPath(String name) {
        this.name = name;
    }

    long taken() {
        return taken.get();
    }

    long declined() {
        return declined.get();
    }

    /** A batch this path tried and left to the others: nothing of it is kept. */
    Optional<ApplyResult> declined(String why) {
        declined.incrementAndGet();
        log.debug("Batch left by the {} path: {}", name, why);
        return Optional.empty();
    }

    /** A batch this path wrote whole: every row applied, none skipped or parked, no conflict. */
    Optional<ApplyResult> took(List<Incoming> rows, Map<String, Integer> perTable) {
        taken.incrementAndGet();
        Map<NodeId, Long> received = new HashMap<>();
        rows.forEach(r -> received.merge(r.change().origin(), 1L, Long::sum));
        Map<NodeId, OriginCounts> perOrigin = new HashMap<>();
        received.forEach((origin, n) -> perOrigin.put(origin, new OriginCounts(n, n, 0, 0)));
        return Optional.of(new ApplyResult(rows.size(), 0, 0, perTable, List.of(), perOrigin, Map.of()));
    }

    /** {@code byTable} in {@code parentsFirst}'s order: parents are written before the rows that reference them. */
    static <V> Map<String, V> parentsFirst(List<PgTable> parentsFirst, Map<String, V> byTable) {
        Map<String, V> ordered = new LinkedHashMap<>();
        parentsFirst.stream().filter(t -> byTable.containsKey(t.name()))
                .forEach(t -> ordered.put(t.name(), byTable.get(t.name())));
        return ordered;
    }
}
