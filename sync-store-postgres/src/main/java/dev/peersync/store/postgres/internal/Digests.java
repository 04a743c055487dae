package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.DigestRange;
import dev.peersync.core.spi.RangeDigest;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
import dev.peersync.core.spi.VersionPage;
import dev.peersync.core.spi.VersionsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Table digests: a tree of hashes over the rows' (pk, version, deleted), tombstones included.
 *
 * <p>Invariants (see {@link dev.peersync.core.spi.DigestHash}): a row's hash is the first 64 bits of
 * md5(pk text | hlc | origin | deleted); its bucket is md5(pk text) mod bucketCount; a bucket's hash is the XOR of
 * its rows' hashes; the root is md5 over the non-zero buckets ("bucket:hash" in bucket order). Below a bucket,
 * {@link DigestRange}s split it 64 ways per level by bits 32..61 of md5(pk text); a range's hash is the XOR of its
 * rows' hashes too, so the children of a range XOR to the range's hash.
 *
 * <p>Root and buckets are maintained incrementally: triggers on the metadata tables append XOR deltas (insert-only,
 * so writers never wait on each other) and a reader folds them into {@code digest_bucket} under an advisory lock.
 * Answering costs the changes since the last fold plus at most bucketCount rows, never a table scan. Ranges below a
 * bucket are computed on demand from the rows of their bucket (through the {@code _bucket} index): about
 * rows / bucketCount rows per bucket asked for.
 */
final class Digests {
    private final String s;
    private final int bucketCount;
    private final Locks locks;

    Digests(String schema, int bucketCount, Locks locks) {
        this.s = Sql.ident(schema);
        this.bucketCount = bucketCount;
        this.locks = locks;
    }

    TableDigest digest(Handle h, PgTable t) {
        fold(h, t);
        return h.createQuery("SELECT coalesce(md5(string_agg(bucket || ':' || hash, ',' ORDER BY bucket)"
                + " FILTER (WHERE hash <> 0)), md5('')) AS root, coalesce(sum(live), 0)::bigint AS live,"
                + " coalesce(max(max_hlc), 0)::bigint AS max_hlc FROM " + s + ".digest_bucket WHERE tbl = :t")
                .bind("t", t.name())
                .map((rs, ctx) -> new TableDigest(t.name(), rs.getString("root"), bucketCount, rs.getLong("live"),
                        rs.getLong("max_hlc"))).one();
    }

    /** Every bucket's hash, bucket 0 first. */
    List<Long> bucketHashes(Handle h, PgTable t) {
        fold(h, t);
        return h.createQuery("SELECT coalesce(d.hash, 0) FROM generate_series(0, :n - 1) AS b"
                + " LEFT JOIN " + s + ".digest_bucket d ON d.tbl = :t AND d.bucket = b ORDER BY b")
                .bind("n", bucketCount).bind("t", t.name()).mapTo(Long.class).list();
    }

    /** The non-empty children of each range, in the order asked; one pass over the rows of the ranges' buckets. */
    List<RangeDigest> rangeDigests(Handle h, PgTable t, List<DigestRange> ranges) {
        checkRanges(ranges);
        for (DigestRange r : ranges) {
            if (!r.hasChildren()) {
                throw new IllegalArgumentException("a range of depth " + DigestRange.MAX_DEPTH
                        + " has no children, got: " + r);
            }
        }
        List<List<RangeDigest.Child>> children = new ArrayList<>();
        ranges.forEach(r -> children.add(new ArrayList<>()));
        record Row(int ord, RangeDigest.Child child) {
        }
        h.execute(Sql.TRANSACTION_SETTINGS);
        bindRanges(h.createQuery(rowsInRanges(t) + " SELECT r.ord, (x.v >> (24 - 6 * r.depth)) & 63 AS child,"
                        + " bit_xor(x._hash) AS hash, count(*) AS n FROM r JOIN x ON x.bucket = r.bucket"
                        + " AND x.v >> (30 - 6 * r.depth) = r.prefix GROUP BY 1, 2 ORDER BY 1, 2"), ranges)
                .map((rs, ctx) -> new Row(rs.getInt("ord"), new RangeDigest.Child(rs.getInt("child"),
                        rs.getLong("hash"), rs.getLong("n"))))
                .forEach(row -> children.get(row.ord() - 1).add(row.child()));
        List<RangeDigest> out = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            out.add(new RangeDigest(ranges.get(i), children.get(i)));
        }
        return out;
    }

    /** Versions in the request's ranges in key order, without the known hashes; one more row tells "has more". */
    VersionPage rangeVersions(Handle h, PgTable t, VersionsRequest request, int limit) {
        List<DigestRange> ranges = request.ranges();
        checkRanges(ranges);
        checkDisjoint(ranges);
        h.execute(Sql.TRANSACTION_SETTINGS);
        // A custom plan for the actual known hashes: PostgreSQL then hashes the array instead of scanning it per row.
        h.execute("SET LOCAL plan_cache_mode = force_custom_plan");
        List<RowVersion> rows = bindRanges(h.createQuery(rowsInRanges(t) + " SELECT x.pk, x._hlc, x._origin, x._deleted, x._cv::text AS cv,"
                        + " " + Derived.sql(s, "x.pk", "x") + " AS derived"
                        + " FROM r JOIN x ON x.bucket = r.bucket AND x.v >> (30 - 6 * r.depth) = r.prefix"
                        + " WHERE x.pk > :after AND NOT (x._hash = ANY(CAST(:known AS bigint[])))"
                        + " ORDER BY x.pk LIMIT :lim"), ranges)
                .bindArray("known", Long.class, request.knownHashes().toArray())
                .bind("after", request.afterPk()).bind("lim", limit + 1)
                .map((rs, ctx) -> new RowVersion(rs.getString("pk"), rs.getLong("_hlc"),
                        new NodeId(rs.getObject("_origin", UUID.class)), rs.getBoolean("_deleted"),
                        rs.getBoolean("derived"), rs.getString("cv"))).list();
        boolean hasMore = rows.size() > limit;
        return new VersionPage(hasMore ? rows.subList(0, limit) : rows, hasMore);
    }

    /**
     * Two CTEs: {@code x}, the metadata rows of the ranges' buckets with their key text ({@code COLLATE "C"}) and
     * 30-bit sub-hash {@code v}, each bucket read once through the {@code _bucket} index (the fence keeps the planner
     * from a sequential scan of the whole table); {@code r}, the ranges with their position {@code ord}.
     */
    private static String rowsInRanges(PgTable t) {
        return "WITH x AS MATERIALIZED (SELECT u.bucket, k.pk, m._hlc, m._origin, m._deleted, m._hash, m._cv,"
                + " (('x' || substr(md5(k.pk), 9, 8))::bit(32) >> 2)::int AS v"
                + " FROM unnest(CAST(:buckets AS int[])) AS u(bucket)"
                + " CROSS JOIN LATERAL (SELECT * FROM " + t.meta() + " m WHERE m._bucket = u.bucket OFFSET 0) m"
                + " CROSS JOIN LATERAL (SELECT " + t.pkText("m") + " COLLATE \"C\" AS pk) k),"
                + " r AS (SELECT * FROM unnest(CAST(:b AS int[]), CAST(:d AS int[]), CAST(:p AS int[]))"
                + " WITH ORDINALITY AS r(bucket, depth, prefix, ord))";
    }

    private static Query bindRanges(Query q, List<DigestRange> ranges) {
        return q.bindArray("buckets", Integer.class, ranges.stream().map(DigestRange::bucket).distinct().toArray())
                .bindArray("b", Integer.class, ranges.stream().map(DigestRange::bucket).toArray())
                .bindArray("d", Integer.class, ranges.stream().map(DigestRange::depth).toArray())
                .bindArray("p", Integer.class, ranges.stream().map(DigestRange::prefix).toArray());
    }

    private void checkRanges(List<DigestRange> ranges) {
        if (ranges.isEmpty() || ranges.size() > DigestRange.MAX_RANGES_PER_REQUEST) {
            throw new IllegalArgumentException("a request names 1 to " + DigestRange.MAX_RANGES_PER_REQUEST
                    + " ranges, got: " + ranges.size());
        }
        for (DigestRange r : ranges) {
            if (r.bucket() >= bucketCount) {
                throw new IllegalArgumentException("bucket must be in [0, " + bucketCount + "), got: " + r.bucket()
                        + " in " + r + " (the peers' bucket counts differ?)");
            }
        }
    }

    /** A row in two ranges would be listed twice: refuse ranges that overlap (one inside the other). */
    private static void checkDisjoint(List<DigestRange> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                DigestRange a = ranges.get(i);
                DigestRange b = ranges.get(j);
                DigestRange outer = a.depth() <= b.depth() ? a : b;
                DigestRange inner = outer == a ? b : a;
                int shift = DigestRange.BITS_PER_LEVEL * (inner.depth() - outer.depth());
                if (a.bucket() == b.bucket() && inner.prefix() >>> shift == outer.prefix()) {
                    throw new IllegalArgumentException("ranges must not overlap, got: " + a + " and " + b);
                }
            }
        }
    }

    private void fold(Handle h, PgTable t) {
        h.execute("SELECT pg_advisory_xact_lock(" + locks.digest() + ")");
        h.createUpdate("WITH d AS (DELETE FROM " + s + ".digest_delta WHERE tbl = :t RETURNING bucket, delta, live, max_hlc),"
                + " a AS (SELECT bucket, bit_xor(delta) AS x, sum(live) AS l, max(max_hlc) AS mh FROM d GROUP BY bucket)"
                + " INSERT INTO " + s + ".digest_bucket AS b (tbl, bucket, hash, live, max_hlc)"
                + " SELECT :t, bucket, x, l, mh FROM a ON CONFLICT (tbl, bucket) DO UPDATE SET hash = b.hash # EXCLUDED.hash,"
                + " live = b.live + EXCLUDED.live, max_hlc = greatest(b.max_hlc, EXCLUDED.max_hlc)")
                .bind("t", t.name()).execute();
    }
}
