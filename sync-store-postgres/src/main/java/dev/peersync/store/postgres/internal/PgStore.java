package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.SyncException;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.SchemaShape;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import dev.peersync.core.store.ApplyResult;
import dev.peersync.core.store.ApplyTransaction;
import dev.peersync.core.store.ConflictQuery;
import dev.peersync.core.store.ConflictRecord;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncSetupException;
import dev.peersync.core.store.SyncStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** {@link SyncStore} on PostgreSQL; see {@code docs/sync-core.md} for the design. */
public final class PgStore implements SyncStore {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PgStore.class);
    private final DataSource dataSource;
    private final Jdbi jdbi;
    private final StoreSettings settings;
    private final String s;
    private final NodeId nodeId;
    private final NodeId predecessor;
    /** The current snapshot when this store was opened (see ChangeFeed: a cursor ahead of the feed). */
    private final String opened;
    private final CursorReceipts receipts;
    private final HeldValues heldValues;
    private final Locks locks;
    private final ApplyGate gate;
    /** What depends on the synced tables' columns: replaced whole when a table's columns change (see refreshSchema). */
    private volatile Layout layout;
    private final Digests digests;
    private final SnapshotReader snapshotReader;
    private final TombstoneCollector collector;
    private final PeerExpiry expiry;
    private final StaleRows staleRows;

    private PgStore(DataSource dataSource, Jdbi jdbi, StoreSettings settings, NodeId nodeId, NodeId predecessor, List<PgTable> parentsFirst,
                    CursorReceipts receipts, String signature) {
        this.dataSource = dataSource;
        this.jdbi = jdbi;
        this.settings = settings;
        this.s = Sql.ident(settings.schema());
        this.nodeId = nodeId;
        this.predecessor = predecessor;
        this.opened = call(jdbi, "read the current snapshot", h -> h.createQuery("SELECT pg_current_snapshot()::text")
                .mapTo(String.class).one());
        this.receipts = receipts;
        this.locks = Locks.forSchema(settings.schema());
        this.gate = new ApplyGate(s);
        this.digests = new Digests(settings.schema(), settings.bucketCount(), locks);
        this.snapshotReader = new SnapshotReader(nodeId, settings.schema(), SnapshotReader.MAX_PAGE_BYTES, receipts);
        this.collector = new TombstoneCollector(s);
        this.expiry = new PeerExpiry(s);
        this.staleRows = new StaleRows(s, nodeId);
        this.heldValues = new HeldValues(s);
        call(jdbi, "read the tables with held values", h -> {
            heldValues.load(h);
            return null;
        });
        this.layout = layout(parentsFirst, signature);
    }

    /**
     * The synced tables as read, and the parts built on their columns.
     *
     * @param signature {@link #columnSignature} when the tables were read
     */
    private record Layout(List<PgTable> parentsFirst, Map<String, PgTable> tables, SchemaShape shape, ChangeFeed feed,
                          Applier applier, SnapshotLoader snapshotLoader, String signature) {
    }

    private Layout layout(List<PgTable> parentsFirst, String signature) {
        Map<String, PgTable> byName = new LinkedHashMap<>();
        parentsFirst.forEach(t -> byName.put(t.name(), t));
        Map<String, PgTable> tables = Map.copyOf(byName);
        Applier applier = new Applier(tables, parentsFirst, settings.schema(),
                settings.maxClockOffset().toMillis(), settings.bucketCount(), Clock.systemUTC(), nodeId,
                settings.uniquePolicies(), settings.maxParkedPerPeerTable(), heldValues);
        return new Layout(List.copyOf(parentsFirst), tables, shape(parentsFirst),
                new ChangeFeed(tables, nodeId, settings.schema(), receipts, heldValues, opened), applier,
                new SnapshotLoader(settings.schema(), settings.maxClockOffset().toMillis(), settings.bucketCount(), applier), signature);
    }

    /** Installs (idempotently) and opens the store. */
    public static PgStore install(DataSource dataSource, StoreSettings settings) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(settings, "settings");
        Jdbi jdbi = Jdbi.create(dataSource);
        // The synced tables are checked first: a refused configuration installs nothing, not even the schema.
        call(jdbi, "check the synced tables", h -> {
            checkUniquePolicies(h, settings, Catalog.read(h, settings.tables(), settings.schema()));
            return null;
        });
        SchemaMigrations.migrate(dataSource, settings.schema());
        Locks locks = Locks.forSchema(settings.schema());
        record Installed(NodeId node, NodeId predecessor, List<PgTable> tables, byte[] cursorKey, String signature) {
        }
        Installed installed = callRetrying(jdbi, "install sync-core", h -> {
            List<PgTable> tables = Catalog.read(h, settings.tables(), settings.schema());
            checkUniquePolicies(h, settings, tables);
            NodeId node = Installer.install(h, settings, tables, locks);
            byte[] key = h.createQuery("SELECT cursor_key FROM " + Sql.ident(settings.schema()) + ".node")
                    .mapTo(byte[].class).one();
            return new Installed(node, Incarnation.predecessor(h, Sql.ident(settings.schema())), tables, key,
                    Catalog.columnSignature(h, settings.tables()));
        });
        return new PgStore(dataSource, jdbi, settings, installed.node(), installed.predecessor(), installed.tables(),
                new CursorReceipts(installed.cursorKey()), installed.signature());
    }

    /**
     * Gives the node of this database a new id, its current one becoming its predecessor ({@link Incarnation}): what a
     * database copied to start another node needs (a clone would otherwise meet its original as itself). A database
     * restored into another PostgreSQL cluster gets one at install without being asked. Run it with the node stopped.
     */
    public static NodeId newIdentity(DataSource dataSource, StoreSettings settings) {
        PgStore before = install(dataSource, settings);
        Jdbi jdbi = Jdbi.create(dataSource);
        NodeId id = call(jdbi, "give the node a new id", h -> {
            h.execute("SELECT pg_advisory_xact_lock(" + before.locks.install() + ")");
            return Incarnation.begin(h, before.s, before.layout.parentsFirst());
        });
        install(dataSource, settings); // capture functions carrying the new id
        log.info("The node of this database now has id {} (it was {})", id, before.nodeId);
        return id;
    }

    /**
     * Follows a change of the synced tables' columns made while running (a migration's ADD or DROP COLUMN, no restart
     * needed): when the catalog's columns differ from those read, the tables are read again, columns added since are
     * registered ({@link ColumnRegistry}), the capture functions are generated anew, and feed, apply and snapshot
     * loading use the new columns from then on. One catalog query when nothing changed. True when something did.
     */
    @Override
    public boolean refreshSchema() {
        Layout before = layout;
        String now = call(jdbi, "read the synced tables' columns", h -> Catalog.columnSignature(h, settings.tables()));
        if (now.equals(before.signature())) {
            return false;
        }
        synchronized (this) {
            if (layout != before) {
                return true;
            }
            try {
                call(jdbi, "follow a change of the synced tables' columns", h -> {
                    h.execute("SELECT pg_advisory_xact_lock(" + locks.install() + ")");
                    // Against applies and page loads (they hold the gate until they commit, and take it before they
                    // read the layout): none commits during the registration with the layout from before it, which
                    // left values held for a column the table had by then and rows without its never-written marks.
                    gate.forSchemaChange(h);
                    List<PgTable> tables = Catalog.read(h, settings.tables(), settings.schema());
                    Map<String, List<String>> added = ColumnRegistry.reconcile(h, s, tables, heldValues);
                    for (PgTable t : tables) {
                        h.execute(CaptureSql.function(t, settings.bucketCount(), nodeId.value()));
                    }
                    added.forEach((table, columns) -> log.info("Table {} gained column(s) {}: capture and apply follow;"
                            + " its rows' earlier versions did not write them", table, columns));
                    // Swapped before the commit releases the lock: the next apply reads the new layout.
                    layout = layout(tables, Catalog.columnSignature(h, settings.tables()));
                    return null;
                });
            } catch (RuntimeException e) {
                layout = before; // rolled back: registered again at the next check
                throw e;
            }
            return true;
        }
    }

    /** A policy must name a unique index of its table, and a RENAME policy's flag a boolean column of it. */
    private static void checkUniquePolicies(org.jdbi.v3.core.Handle h, StoreSettings settings, List<PgTable> tables) {
        for (dev.peersync.core.store.UniqueCollisionPolicy p : settings.uniquePolicies()) {
            PgTable t = tables.stream().filter(x -> x.name().equals(p.table())).findFirst().orElseThrow();
            boolean unique = h.createQuery("SELECT EXISTS (SELECT 1 FROM pg_index ix JOIN pg_class ic"
                            + " ON ic.oid = ix.indexrelid WHERE ix.indrelid = CAST(:rel AS regclass) AND ic.relname = :c"
                            + " AND ix.indisunique AND NOT ix.indisprimary)")
                    .bind("rel", t.qualified()).bind("c", p.constraint()).mapTo(Boolean.class).one();
            if (!unique) {
                throw new SyncSetupException("unique collision policy for " + p.table() + ": " + p.constraint()
                        + " is not a unique constraint or index of the table (besides its primary key)");
            }
            if (p.flagColumn() != null && t.columns().stream()
                    .noneMatch(c -> c.name().equals(p.flagColumn()) && c.type().equals("boolean"))) {
                throw new SyncSetupException("unique collision policy for " + p.table() + "." + p.constraint()
                        + ": flag column " + p.flagColumn() + " is not a boolean column of the table");
            }
        }
    }

    @Override
    public NodeId nodeId() {
        return nodeId;
    }

    @Override
    public Subscription listenForCommits(java.util.function.Consumer<java.util.Set<String>> onCommit) {
        PgCommitListener listener = new PgCommitListener(dataSource, Objects.requireNonNull(onCommit, "onCommit"));
        listener.start();
        return listener;
    }

    @Override
    public java.util.Optional<NodeId> predecessor() {
        return java.util.Optional.ofNullable(predecessor);
    }

    @Override
    public List<String> tables() {
        return layout.parentsFirst().stream().map(PgTable::name).toList();
    }

    /**
     * Batches applied since this layout was read whose rows were all new here and went in by plain insert and COPY
     * ({@link NewRowsApply}), and batches that path tried and left to the merge rule's: diagnostics, and tests of that
     * path.
     */
    public long[] newRowsBatches() {
        NewRowsApply newRows = layout.applier().newRows();
        return new long[] {newRows.taken(), newRows.declined()};
    }

    /**
     * Batches applied since this layout was read whose rows all followed the versions held here and went in by plain
     * updates ({@link SuccessorApply}), and batches that path tried and left to the others: as {@link #newRowsBatches}.
     */
    public long[] successorBatches() {
        SuccessorApply successors = layout.applier().successors();
        return new long[] {successors.taken(), successors.declined()};
    }

    @Override
    public SchemaShape schemaShape() {
        return layout.shape();
    }

    @Override
    public ChangeBatch readChanges(NodeId requester, PullRequest request) {
        Objects.requireNonNull(requester, "requester");
        int max = Math.min(request.maxRows(), settings.maxBatchRows());
        return call(jdbi, "read the change feed", h -> {
            ChangeBatch batch = layout.feed().read(h, requester, request.tables(), request.cursor(), max, request.heldCursors());
            return request.estimate() && !batch.rejoin()
                    ? batch.withRemaining(layout.feed().remaining(h, requester, request.tables(), batch.nextCursor()))
                    : batch;
        });
    }

    @Override
    public String cursor(NodeId peer) {
        return call(jdbi, "read a peer cursor", h -> h.createQuery("SELECT cursor FROM " + s + ".peer_cursor WHERE peer = :p")
                .bind("p", peer.value()).mapTo(String.class).findOne().orElse(""));
    }

    @Override
    public Map<NodeId, String> heldCursors() {
        return call(jdbi, "read the peer cursors", h -> {
            Map<NodeId, String> all = new LinkedHashMap<>();
            h.createQuery("SELECT peer, cursor FROM " + s + ".peer_cursor WHERE holds AND cursor <> ''"
                            + " ORDER BY updated_at DESC")
                    .map((rs, ctx) -> Map.entry(new NodeId(rs.getObject("peer", UUID.class)), rs.getString("cursor")))
                    .forEach(e -> all.put(e.getKey(), e.getValue()));
            return all;
        });
    }

    @Override
    public void markCursorHolds(NodeId peer, boolean holds) {
        Objects.requireNonNull(peer, "peer");
        call(jdbi, "mark the cursor of " + peer, h -> h.createUpdate("UPDATE " + s + ".peer_cursor SET holds = :h"
                + " WHERE peer = :p AND holds <> :h").bind("h", holds).bind("p", peer.value()).execute());
    }

    @Override
    public ApplyResult applyBatch(NodeId peer, List<RowChange> changes, String nextCursor) {
        Objects.requireNonNull(nextCursor, "nextCursor");
        List<Incoming> rows = incoming(peer, changes);
        return callRetrying(jdbi, "apply a batch from " + peer, h -> {
            ApplyResult result = applyPulled(h, peer, rows);
            storeCursor(h, peer, nextCursor);
            return result;
        });
    }

    @Override
    public ApplyTransaction beginApply(NodeId peer) {
        Objects.requireNonNull(peer, "peer");
        return PgApplyTransaction.open(jdbi, peer, (h, changes) ->
                applyPulled(h, peer, incoming(peer, changes)), (h, cursor) -> storeCursor(h, peer, cursor));
    }

    /** A batch pulled from {@code peer}: the relayed rows this node already holds are dropped, the rest applied. */
    private ApplyResult applyPulled(Handle h, NodeId peer, List<Incoming> rows) {
        gate.forApply(h);
        HeldRows held = HeldRows.read(h, s, peer, rows);
        return held.countedWith(layout.applier().apply(h, held.notHeld()));
    }

    @Override
    public void storeCursor(NodeId peer, String cursor) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(cursor, "cursor");
        call(jdbi, "store the cursor of " + peer, h -> {
            storeCursor(h, peer, cursor);
            return null;
        });
    }

    private void storeCursor(Handle h, NodeId peer, String cursor) {
        h.createUpdate("INSERT INTO " + s + ".peer_cursor (peer, cursor, updated_at) VALUES (:p, :c, "
                + TombstoneCollector.clockNow(s) + ")"
                + " ON CONFLICT (peer) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at")
                .bind("p", peer.value()).bind("c", cursor).execute();
    }

    @Override
    public boolean isEmpty() {
        return call(jdbi, "look for rows in the synced tables", h -> {
            for (PgTable t : layout.parentsFirst()) {
                if (h.createQuery("SELECT EXISTS (SELECT 1 FROM " + t.meta() + ") OR EXISTS (SELECT 1 FROM "
                        + t.qualified() + ")").mapTo(Boolean.class).one()) {
                    return false;
                }
            }
            return true;
        });
    }

    @Override
    public List<String> snapshotColumns(String table) {
        return table(table).columns().stream().map(PgTable.Column::name).toList();
    }

    @Override
    public SnapshotPage readSnapshot(NodeId requester, SnapshotRequest request) {
        Objects.requireNonNull(request, "request");
        PgTable t = table(request.table());
        int limit = Math.min(request.limit(), SnapshotReader.MAX_ROWS);
        return call(jdbi, "read a snapshot page of " + t.name(),
                h -> snapshotReader.read(h, t, requester, request, limit));
    }

    @Override
    public ApplyResult loadSnapshotPage(NodeId peer, String table, SnapshotPage page) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(page, "page");
        PgTable t = table(table);
        return call(jdbi, "load a snapshot page of " + table + " from " + peer,
                h -> {
                    gate.forSnapshotPage(h); // before the layout, as an apply
                    return layout.snapshotLoader().load(h, t, peer, page, false);
                });
    }

    @Override
    public ApplyResult rejoinSnapshotPage(NodeId peer, String table, String afterPk, SnapshotPage page) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(afterPk, "afterPk");
        Objects.requireNonNull(page, "page");
        PgTable t = table(table);
        return call(jdbi, "load a rejoin snapshot page of " + table + " from " + peer, h -> {
            gate.forSnapshotPage(h); // before the layout, as an apply
            ApplyResult loaded = layout.snapshotLoader().load(h, t, peer, page, true);
            int dropped = staleRows.drop(h, t, peer, page.rows() > 0 ? SnapshotLoader.staging(t) : null, afterPk,
                    page.hasMore() ? page.lastPk() : "", page.gcHorizon());
            if (dropped > 0) {
                log.info("Rejoin from {}: dropped {} stale row(s) of {} that {} deleted and no longer holds a"
                        + " tombstone for", peer, dropped, table, peer);
            }
            return loaded;
        });
    }

    @Override
    public boolean isExpired(NodeId peer) {
        Objects.requireNonNull(peer, "peer");
        return call(jdbi, "read the expiry of " + peer, h -> expiry.isExpired(h, peer));
    }

    @Override
    public ApplyResult applyRows(NodeId peer, List<RowChange> changes) {
        List<Incoming> rows = incoming(peer, changes);
        return callRetrying(jdbi, "apply rows from " + peer, h -> {
            gate.forApply(h);
            return layout.applier().apply(h, rows);
        });
    }

    private List<Incoming> incoming(NodeId peer, List<RowChange> changes) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(changes, "changes");
        if (changes.size() > settings.maxBatchRows()) {
            throw new IllegalArgumentException("at most " + settings.maxBatchRows() + " rows per apply, got: "
                    + changes.size());
        }
        List<Incoming> rows = changes.stream().map(c -> new Incoming(c, peer)).toList();
        layout.applier().check(rows);
        return rows;
    }

    @Override
    public ApplyResult retryParked() {
        int chunk = Math.min(1000, settings.maxBatchRows());
        String[] after = {"", ""};
        List<ApplyResult> results = new ArrayList<>();
        while (true) {
            List<Incoming> rows = call(jdbi, "read parked rows", h -> h.createQuery(
                    "SELECT tbl, pk, hlc, origin, deleted, data::text AS data, peer, cv::text AS cv, phlc AS _phlc,"
                            + " porigin AS _porigin FROM " + s + ".parked"
                            + " WHERE (tbl, pk) > (:t, :p) ORDER BY tbl, pk LIMIT :n")
                    .bind("t", after[0]).bind("p", after[1]).bind("n", chunk)
                    .map((rs, ctx) -> new Incoming(new RowChange(rs.getString("tbl"), rs.getString("pk"), rs.getLong("hlc"),
                            new NodeId(rs.getObject("origin", UUID.class)), rs.getBoolean("deleted"), rs.getString("data"),
                            false, 0, rs.getString("cv"), ChangeFeed.previous(rs)),
                            new NodeId(rs.getObject("peer", UUID.class)))).list());
            if (rows.isEmpty()) {
                break;
            }
            RowChange last = rows.get(rows.size() - 1).change();
            after[0] = last.table();
            after[1] = last.pk();
            List<Incoming> known = rows.stream().filter(r -> layout.tables().containsKey(r.change().table())).toList();
            results.add(callRetrying(jdbi, "retry parked rows", h -> {
                gate.forApply(h);
                return layout.applier().apply(h, known);
            }));
            if (rows.size() < chunk) {
                break;
            }
        }
        return ApplyResult.sum(results);
    }

    @Override
    public long parkedCount() {
        return call(jdbi, "count parked rows", h -> h.createQuery("SELECT count(*) FROM " + s + ".parked")
                .mapTo(Long.class).one());
    }

    @Override
    public List<ConflictRecord> conflicts(ConflictQuery q) {
        Objects.requireNonNull(q, "query");
        return call(jdbi, "read the conflict log", h -> h.createQuery("SELECT * FROM " + s + ".conflicts"
                        + " WHERE (CAST(:tbl AS text) IS NULL OR tbl = :tbl) AND (CAST(:type AS text) IS NULL OR type = :type)"
                        + " AND (CAST(:since AS timestamptz) IS NULL OR at >= :since)"
                        + " AND (CAST(:before AS bigint) IS NULL OR id < :before) ORDER BY id DESC LIMIT :lim")
                .bind("tbl", q.table()).bind("type", q.type())
                .bind("since", q.since() == null ? null : java.time.OffsetDateTime.ofInstant(q.since(), java.time.ZoneOffset.UTC))
                .bind("before", q.beforeId()).bind("lim", q.limit())
                .map((rs, ctx) -> new ConflictRecord(rs.getLong("id"), rs.getObject("at", java.time.OffsetDateTime.class)
                        .toInstant(), rs.getString("tbl"), rs.getString("pk"), rs.getString("type"), rs.getString("resolution"),
                        version(rs, "local_hlc", "local_origin"), version(rs, "incoming_hlc", "incoming_origin"),
                        rs.getString("local_row"), rs.getString("incoming_row"),
                        rs.getObject("peer", UUID.class) == null ? null : new NodeId(rs.getObject("peer", UUID.class)),
                        rs.getString("detail")))
                .list());
    }

    private static dev.peersync.core.Version version(java.sql.ResultSet rs, String hlc, String origin)
            throws java.sql.SQLException {
        UUID node = rs.getObject(origin, UUID.class);
        return node == null ? null : new dev.peersync.core.Version(rs.getLong(hlc), new NodeId(node));
    }

    @Override
    public int pruneConflicts() {
        return call(jdbi, "prune the conflict log", h -> h.createUpdate("DELETE FROM " + s + ".conflicts"
                        + " WHERE at < now() - CAST(:keep AS interval)")
                .bind("keep", settings.conflictRetention().toSeconds() + " seconds").execute());
    }

    @Override
    public TableDigest digest(String table) {
        PgTable t = table(table);
        return call(jdbi, "compute the digest of " + table, h -> digests.digest(h, t));
    }

    @Override
    public List<Long> bucketHashes(String table) {
        PgTable t = table(table);
        return call(jdbi, "read bucket hashes of " + table, h -> digests.bucketHashes(h, t));
    }

    @Override
    public List<RangeDigest> rangeDigests(String table, List<DigestRange> ranges) {
        PgTable t = table(table);
        Objects.requireNonNull(ranges, "ranges");
        return call(jdbi, "compute range digests of " + table, h -> digests.rangeDigests(h, t, ranges));
    }

    @Override
    public VersionPage rangeVersions(String table, VersionsRequest request) {
        PgTable t = table(table);
        Objects.requireNonNull(request, "request");
        int limit = Math.min(request.limit(), settings.maxBatchRows());
        return call(jdbi, "read row versions of " + table, h -> digests.rangeVersions(h, t, request, limit));
    }

    @Override
    public List<RowChange> fetchRows(String table, List<String> pks) {
        PgTable t = table(table);
        if (pks.size() > settings.maxBatchRows()) {
            throw new IllegalArgumentException("at most " + settings.maxBatchRows() + " keys per fetch, got: " + pks.size());
        }
        if (pks.isEmpty()) {
            return List.of();
        }
        return call(jdbi, "fetch rows of " + table, h -> {
            h.execute(Sql.TRANSACTION_SETTINGS);
            return h.createQuery("SELECT " + t.pkText("m") + " AS pk, m._hlc, m._origin, m._deleted, m._otx::text AS otx,"
                    + " m._cv::text AS cv, m._phlc, m._porigin, CASE WHEN m._deleted THEN NULL ELSE " + t.dataJson("x", "m._cv")
                    + "::text END AS data, "
                    + Derived.sql(s, t, "m") + " AS derived"
                    + " FROM unnest(CAST(:pks AS text[])) AS u(pk) CROSS JOIN LATERAL " + t.pkRecord("u.pk::jsonb") + " k"
                    + " JOIN " + t.meta() + " m ON " + t.pkJoin("m", "k")
                    + " LEFT JOIN " + t.qualified() + " x ON " + t.pkJoin("x", "m"))
                    .bindArray("pks", String.class, pks)
                    .map((rs, ctx) -> new RowChange(t.name(), rs.getString("pk"), rs.getLong("_hlc"),
                            new NodeId(rs.getObject("_origin", UUID.class)), rs.getBoolean("_deleted"),
                            rs.getString("data"), rs.getBoolean("derived"), ChangeFeed.originTx(rs.getString("otx")),
                            rs.getString("cv"), ChangeFeed.previous(rs)))
                    .list();
        });
    }

    @Override
    public List<RowChange> scanRows(String table, String afterPk, int limit) {
        PgTable t = table(table);
        checkLimit(limit);
        boolean fromStart = afterPk == null || afterPk.isEmpty();
        return call(jdbi, "scan rows of " + table, h -> {
            h.execute(Sql.TRANSACTION_SETTINGS);
            String after = fromStart ? "" : " WHERE (" + t.pkList("x") + ") > (SELECT " + t.pkList("k") + " FROM "
                    + t.pkRecord("CAST(:after AS jsonb)") + " k)";
            var q = h.createQuery("SELECT " + t.pkText("x") + " AS pk, m._hlc, m._origin, " + t.dataJson("x", "m._cv") + "::text AS data"
                    + " FROM " + t.qualified() + " x JOIN " + t.meta() + " m ON " + t.pkJoin("m", "x") + after
                    + " ORDER BY " + t.pkList("x") + " LIMIT :lim").bind("lim", limit);
            if (!fromStart) {
                q.bind("after", afterPk);
            }
            return q.map((rs, ctx) -> change(t, rs.getString("pk"), rs.getLong("_hlc"), rs.getObject("_origin", UUID.class),
                    false, rs.getString("data"))).list();
        });
    }

    private static RowChange change(PgTable t, String pk, long hlc, UUID origin, boolean deleted, String data) {
        return new RowChange(t.name(), pk, hlc, new NodeId(origin), deleted, data);
    }

    @Override
    public long currentHlc() {
        return call(jdbi, "read the clock", h -> h.createQuery("SELECT greatest((SELECT last_value FROM " + s
                + ".hlc_seq), " + s + ".phys_ms() << 16)").mapTo(Long.class).one());
    }

    @Override
    public int collectTombstones(Collection<NodeId> peers, Duration minAge, Duration absentLimit) {
        Objects.requireNonNull(peers, "peers");
        if (minAge == null || minAge.isNegative()) {
            throw new IllegalArgumentException("minAge must be zero or positive, got: " + minAge);
        }
        if (absentLimit == null || absentLimit.isNegative() || absentLimit.isZero()) {
            throw new IllegalArgumentException("absentLimit must be positive, got: " + absentLimit);
        }
        List<UUID> live = peers.stream().map(NodeId::value).toList();
        long before = call(jdbi, "read the clock", h -> collector.before(h, minAge));
        List<UUID> absent = call(jdbi, "find absent peers", h -> collector.absent(h, absentLimit));
        int total = 0;
        for (PgTable t : layout.parentsFirst()) {
            List<UUID> expired = call(jdbi, "expire absent peers", h -> collector.expire(h, t, live, absent, before));
            for (UUID peer : expired) {
                log.warn("Peer {} has not synced with this node for longer than the tombstone retention ({}) and"
                        + " missed deletes of {} that are now collected: its pulls are refused until it rejoins by"
                        + " snapshot (forget it with DELETE /api/v1/p2p/peers/{}?forget=true if it is gone for good)",
                        peer, absentLimit, t.name(), peer);
            }
            int removed;
            do {
                removed = call(jdbi, "collect tombstones of " + t.name(),
                        h -> collector.collectBatch(h, t, live, absent, before));
                total += removed;
            } while (removed == TombstoneCollector.batchSize());
        }
        return total;
    }

    @Override
    public void forgetPeer(NodeId peer) {
        Objects.requireNonNull(peer, "peer");
        call(jdbi, "forget peer " + peer, h -> {
            h.createUpdate("DELETE FROM " + s + ".peer_ack WHERE peer = :p").bind("p", peer.value()).execute();
            h.createUpdate("DELETE FROM " + s + ".peer_expired WHERE peer = :p").bind("p", peer.value()).execute();
            return h.createUpdate("DELETE FROM " + s + ".peer_cursor WHERE peer = :p").bind("p", peer.value()).execute();
        });
    }

    private PgTable table(String name) {
        Map<String, PgTable> tables = layout.tables();
        PgTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("table is not synced here: " + name + " (synced: " + tables.keySet() + ")");
        }
        return t;
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got: " + limit);
        }
    }

    /** The synced tables' keys and column types, as announced to peers. */
    private static SchemaShape shape(List<PgTable> tables) {
        Map<String, SchemaShape.Table> shape = new LinkedHashMap<>();
        for (PgTable t : tables) {
            Map<String, String> columns = new LinkedHashMap<>();
            t.columns().forEach(c -> columns.put(c.name(), c.type()));
            shape.put(t.name(), new SchemaShape.Table(t.pk().stream().map(PgTable.Column::name).toList(), columns));
        }
        return new SchemaShape(shape);
    }

    private interface Work<T> {
        T run(Handle h);
    }

    /**
     * {@link #call}, tried again (at most three times in all) when the database chose this transaction as a deadlock's
     * victim: applies of different peers run concurrently and lock rows in key order, but a foreign-key check or a
     * local writer can still close a cycle (with an install too, when a writer touches several tables), and
     * PostgreSQL then breaks it by cancelling one of them.
     */
    private static <T> T callRetrying(Jdbi jdbi, String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call(jdbi, what, work);
            } catch (SyncException e) {
                if (attempt >= 3 || !isDeadlock(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean isDeadlock(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql && "40P01".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** One transaction; database failures become {@link SyncException}s that say what was being done. */
    private static <T> T call(Jdbi jdbi, String what, Work<T> work) {
        try {
            return jdbi.inTransaction(work::run);
        } catch (JdbiException e) {
            throw new SyncException("Could not " + what + ": " + e.getMessage()
                    + " (the transaction was rolled back; nothing was changed)", e);
        }
    }
}
