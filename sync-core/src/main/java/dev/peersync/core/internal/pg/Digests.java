package dev.peersync.core.internal.pg;

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
    /** The 30-bit sub-hash of a key text (bits 32..61 of its md5), as an SQL expression. */
    private static final String SUB_HASH = "(('x' || substr(md5(%s), 9, 8))::bit(32) >> 2)::int";

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
        h.execute("SET LOCAL timezone = 'UTC'"); // key text of timestamptz keys, as the capture triggers write it
        h.createQuery("SELECT r.ord, (s.v >> (24 - 6 * r.depth)) & 63 AS child, bit_xor(s.h) AS hash, count(*) AS n"
                        + " FROM unnest(CAST(:b AS int[]), CAST(:d AS int[]), CAST(:p AS int[])) WITH ORDINALITY"
                        + " AS r(bucket, depth, prefix, ord)"
                        + " CROSS JOIN LATERAL (SELECT m._hash AS h, " + subHash(t) + " AS v FROM " + t.meta() + " m"
                        + " WHERE m._bucket = r.bucket) s"
                        + " WHERE s.v >> (30 - 6 * r.depth) = r.prefix GROUP BY 1, 2 ORDER BY 1, 2")
                .bindArray("b", Integer.class, ranges.stream().map(DigestRange::bucket).toArray())
                .bindArray("d", Integer.class, ranges.stream().map(DigestRange::depth).toArray())
                .bindArray("p", Integer.class, ranges.stream().map(DigestRange::prefix).toArray())
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
        h.execute("SET LOCAL timezone = 'UTC'");
        // A custom plan for the actual known hashes: PostgreSQL then hashes the array instead of scanning it per row.
        h.execute("SET LOCAL plan_cache_mode = force_custom_plan");
        List<RowVersion> rows = h.createQuery("SELECT q.pk, q._hlc, q._origin, q._deleted FROM (SELECT "
                        + t.pkText("m") + " COLLATE \"C\" AS pk, m._hlc, m._origin, m._deleted, m._hash, "
                        + subHash(t) + " AS v, r.depth, r.prefix"
                        + " FROM unnest(CAST(:b AS int[]), CAST(:d AS int[]), CAST(:p AS int[]))"
                        + " AS r(bucket, depth, prefix)"
                        + " JOIN " + t.meta() + " m ON m._bucket = r.bucket) q"
                        + " WHERE q.v >> (30 - 6 * q.depth) = q.prefix AND q.pk > :after"
                        + " AND NOT (q._hash = ANY(CAST(:known AS bigint[]))) ORDER BY q.pk LIMIT :lim")
                .bindArray("b", Integer.class, ranges.stream().map(DigestRange::bucket).toArray())
                .bindArray("d", Integer.class, ranges.stream().map(DigestRange::depth).toArray())
                .bindArray("p", Integer.class, ranges.stream().map(DigestRange::prefix).toArray())
                .bindArray("known", Long.class, request.knownHashes().toArray())
                .bind("after", request.afterPk()).bind("lim", limit + 1)
                .map((rs, ctx) -> new RowVersion(rs.getString("pk"), rs.getLong("_hlc"),
                        new NodeId(rs.getObject("_origin", UUID.class)), rs.getBoolean("_deleted"))).list();
        boolean hasMore = rows.size() > limit;
        return new VersionPage(hasMore ? rows.subList(0, limit) : rows, hasMore);
    }

    private String subHash(PgTable t) {
        return String.format(SUB_HASH, t.pkText("m"));
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
