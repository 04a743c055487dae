package dev.peersync.transport.netty.support;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.LocalSyncService;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A deliberately small {@link LocalSyncService} over one real PostgreSQL table, so that the transport is
 * tested with rows exactly as PostgreSQL's {@code to_jsonb} writes them (the sync engine's own service is
 * tested elsewhere). The feed is the table ordered by {@code hlc}; the cursor is the last hlc sent.
 */
public final class JdbcReviewService extends TypedSyncService {
    public static final String DDL = """
            CREATE TABLE reviews (
                id uuid PRIMARY KEY,
                product_id uuid NOT NULL,
                author text NOT NULL,
                rating int NOT NULL,
                title text NOT NULL,
                body text NOT NULL,
                price numeric(12, 2),
                tags jsonb,
                created_at timestamptz NOT NULL,
                hlc bigint NOT NULL,
                origin uuid NOT NULL,
                deleted boolean NOT NULL DEFAULT false
            )""";

    private final DataSource dataSource;
    private final NodeHello hello;

    public JdbcReviewService(DataSource dataSource, NodeHello hello) {
        this.dataSource = dataSource;
        this.hello = hello;
    }

    public static void createTable(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(DDL);
        }
    }

    @Override
    public NodeHello hello() {
        return hello;
    }

    @Override
    public ChangeBatch pull(NodeId requester, PullRequest request) {
        long after = request.cursor().isEmpty() ? 0 : Long.parseLong(request.cursor());
        String sql = "SELECT id, hlc, origin, deleted, to_jsonb(r) - 'hlc' - 'origin' - 'deleted' AS data "
                + "FROM reviews r WHERE hlc > ? ORDER BY hlc LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, after);
            ps.setInt(2, request.maxRows() + 1);
            List<RowChange> rows = new ArrayList<>();
            boolean more = false;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rows.size() == request.maxRows()) {
                        more = true;
                        break;
                    }
                    boolean deleted = rs.getBoolean("deleted");
                    rows.add(new RowChange("reviews", "[\"" + rs.getObject("id") + "\"]", rs.getLong("hlc"),
                            new NodeId((UUID) rs.getObject("origin")), deleted, deleted ? null : rs.getString("data")));
                }
            }
            String next = rows.isEmpty() ? request.cursor() : String.valueOf(rows.get(rows.size() - 1).hlc());
            return new ChangeBatch(rows, next, more);
        } catch (SQLException e) {
            throw new IllegalStateException("pull failed: " + e.getMessage(), e);
        }
    }

    /** Applies rows pulled from a peer: last writer (highest hlc) wins. */
    public void apply(List<RowChange> rows) throws SQLException {
        String sql = """
                INSERT INTO reviews SELECT (jsonb_populate_record(null::reviews,
                    ?::jsonb || jsonb_build_object('hlc', ?::bigint, 'origin', ?::uuid, 'deleted', ?::boolean))).*
                ON CONFLICT (id) DO UPDATE SET product_id = excluded.product_id, author = excluded.author,
                    rating = excluded.rating, title = excluded.title, body = excluded.body, price = excluded.price,
                    tags = excluded.tags, created_at = excluded.created_at, hlc = excluded.hlc,
                    origin = excluded.origin, deleted = excluded.deleted
                WHERE excluded.hlc > reviews.hlc""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (RowChange row : rows) {
                ps.setString(1, row.data());
                ps.setLong(2, row.hlc());
                ps.setObject(3, row.origin().value());
                ps.setBoolean(4, row.deleted());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    /** A hash of every row's full content, equal on two databases iff they hold the same rows. */
    public String contentHash() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(to_jsonb(r)::text, ',' "
                     + "ORDER BY id)), '') FROM reviews r")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public TableDigest digest(String table) {
        throw new UnsupportedOperationException("not needed by this test");
    }

    @Override
    public List<Long> bucketHashes(String table) {
        throw new UnsupportedOperationException("not needed by this test");
    }

    @Override
    public List<RangeDigest> rangeDigests(String table, List<DigestRange> ranges) {
        throw new UnsupportedOperationException("not needed by this test");
    }

    @Override
    public VersionPage rangeVersions(String table, VersionsRequest request) {
        throw new UnsupportedOperationException("not needed by this test");
    }

    @Override
    public List<RowChange> fetchRows(String table, List<String> pks) {
        throw new UnsupportedOperationException("not needed by this test");
    }

    @Override
    public void changesAvailable(NodeId peer) {
        // this test pulls explicitly
    }
}
