package dev.peersync.core.internal.pg;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.RowVersion;
import dev.peersync.core.spi.TableDigest;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Table digests over a fixed bucket space.
 *
 * <p>Invariants: a row's hash is the first 64 bits of md5(pk text | hlc | origin | deleted); its bucket is
 * md5(pk text) mod bucketCount; a bucket's hash is the XOR of its rows' hashes (tombstones included); the root is
 * md5 over the non-zero buckets ("bucket:hash" in bucket order). Triggers on the metadata tables append XOR deltas
 * (insert-only, so writers never wait on each other); a reader folds them into {@code digest_bucket} under an
 * advisory lock. Answering costs the changes since the last fold plus at most bucketCount rows, never a table scan.
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

    /** Every bucket's hash as 16 hex digits, bucket 0 first. */
    List<String> bucketHashes(Handle h, PgTable t) {
        fold(h, t);
        return h.createQuery("SELECT lpad(to_hex(coalesce(d.hash, 0)), 16, '0') FROM generate_series(0, :n - 1) AS b"
                + " LEFT JOIN " + s + ".digest_bucket d ON d.tbl = :t AND d.bucket = b ORDER BY b")
                .bind("n", bucketCount).bind("t", t.name()).mapTo(String.class).list();
    }

    List<RowVersion> bucketRows(Handle h, PgTable t, int bucket, String afterPk, int limit) {
        if (bucket < 0 || bucket >= bucketCount) {
            throw new IllegalArgumentException("bucket must be in [0, " + bucketCount + "), got: " + bucket);
        }
        h.execute("SET LOCAL timezone = 'UTC'");
        return h.createQuery("SELECT q.pk, q._hlc, q._origin, q._deleted FROM (SELECT " + t.pkText("m")
                + " COLLATE \"C\" AS pk, m._hlc, m._origin, m._deleted FROM " + t.meta() + " m WHERE m._bucket = :b) q"
                + " WHERE q.pk > :after ORDER BY q.pk LIMIT :lim")
                .bind("b", bucket).bind("after", afterPk == null ? "" : afterPk).bind("lim", limit)
                .map((rs, ctx) -> new RowVersion(rs.getString("pk"), rs.getLong("_hlc"),
                        new NodeId(rs.getObject("_origin", UUID.class)), rs.getBoolean("_deleted"))).list();
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
