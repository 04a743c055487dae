package dev.peersync.core.engine;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.PeerClient;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.SyncStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an empty node joins a peer: the snapshot of every synced table, parents first, page by page, each page
 * loaded with COPY in one transaction; then the peer's feed from the cursor of the first page, which holds every
 * change the pages may lack. Replaying a whole feed instead costs the merge rule's work for every row ever
 * written, several times a bulk load.
 *
 * <p>Only an optimisation: when a page cannot be loaded as new rows (a key written here meanwhile, a child whose
 * parent the parent table's pages did not hold yet, a peer that does not serve snapshots), the join stops and
 * the round pulls the peer's whole feed, whose merge rule settles every such row; the rows already loaded are
 * then skipped as versions held.
 */
final class SnapshotJoin {
    private static final Logger log = LoggerFactory.getLogger(SnapshotJoin.class);
    /** Rows asked for per page: about 1.4 MB of review-sized rows. */
    static final int PAGE_ROWS = 2_500;

    private final SyncStore store;

    SnapshotJoin(SyncStore store) {
        this.store = store;
    }

    /** What a completed join loaded, and where the feed continues. */
    record Joined(String cursor, int rows, Map<String, Integer> perTable) {
    }

    /** Runs the join; empty when it stopped, after a log line saying why (the caller then pulls the whole feed). */
    Optional<Joined> run(NodeId peer, PeerClient client, Duration timeout) throws InterruptedException {
        long started = System.nanoTime();
        String cursor = null;
        Map<String, Integer> perTable = new LinkedHashMap<>();
        int rows = 0;
        for (String table : store.tables()) {
            List<String> columns = store.snapshotColumns(table);
            try {
                // Pipelined: the next page is read by the peer while this one is loaded here.
                CompletableFuture<SnapshotPage> next = client.snapshot(new SnapshotRequest(table, columns, "", PAGE_ROWS));
                while (next != null) {
                    SnapshotPage page = Futures.await(next, timeout);
                    if (cursor == null) {
                        cursor = page.feedCursor();
                    }
                    next = page.hasMore()
                            ? client.snapshot(new SnapshotRequest(table, columns, page.lastPk(), PAGE_ROWS)) : null;
                    ApplyResult loaded = store.loadSnapshotPage(peer, table, page);
                    rows += loaded.applied();
                    perTable.merge(table, loaded.applied(), Integer::sum);
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                log.info("Snapshot join from {} stopped at table {} after {} row(s): {}; catching up through the"
                        + " change feed instead", peer, table, rows, e.getMessage());
                return Optional.empty();
            }
        }
        if (cursor == null) {
            return Optional.empty(); // no synced tables
        }
        log.info("Joined {} by snapshot: {} row(s) loaded in {} ms {}", peer, rows,
                (System.nanoTime() - started) / 1_000_000, perTable);
        return Optional.of(new Joined(cursor, rows, perTable));
    }
}
