package dev.peersync.store.postgres.internal;

import dev.peersync.core.NodeId;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncSetupException;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Installs this node's row, clock, metadata tables and capture triggers, on the tables {@link SchemaMigrations} made.
 * Idempotent, and safe when several processes start at once: everything runs in one transaction under a
 * transaction-level advisory lock.
 * Needs no superuser and no extension (gen_random_uuid, pg_snapshot, xid8 and bit_xor are core since 13/14).
 */
final class Installer {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Installer.class);

    private Installer() {
    }

    /** Installs (or re-installs) and returns this node's id. */
    static NodeId install(Handle h, StoreSettings settings, List<PgTable> tables, Locks locks) {
        String s = Sql.ident(settings.schema());
        h.execute("SELECT pg_advisory_xact_lock(" + locks.install() + ")");
        // The synced tables before any metadata table: a local writer locks its table, then (capture) the metadata;
        // taking them the other way round (a trigger on the metadata, then one on the table) deadlocks with it.
        if (!tables.isEmpty()) {
            h.execute("LOCK TABLE " + String.join(", ", tables.stream().map(PgTable::qualified).toList())
                    + " IN SHARE ROW EXCLUSIVE MODE");
        }
        // The tables themselves come from SchemaMigrations (Flyway), run before this transaction.
        h.createUpdate("INSERT INTO " + s + ".node (id, node_id, bucket_count) VALUES (1, gen_random_uuid(), :bc)"
                + " ON CONFLICT (id) DO NOTHING").bind("bc", settings.bucketCount()).execute();
        int bucketCount = h.createQuery("SELECT bucket_count FROM " + s + ".node").mapTo(Integer.class).one();
        if (bucketCount != settings.bucketCount()) {
            throw new SyncSetupException("bucketCount is fixed when sync-core is first installed: this database uses "
                    + bucketCount + ", the settings ask for " + settings.bucketCount()
                    + "; use " + bucketCount + " (all nodes of a cluster must agree)");
        }
        if (Incarnation.restoredIntoAnotherCluster(h, s, tables)) {
            UUID before = h.createQuery("SELECT node_id FROM " + s + ".node").mapTo(UUID.class).one();
            NodeId after = Incarnation.begin(h, s, tables);
            log.warn("This database holds transaction ids its PostgreSQL cluster has not reached: it was restored"
                    + " into (or copied to) another cluster. The node takes the new id {} (it was {}), so that peers"
                    + " cannot skip its new writes; they follow its feed from now and compare tables with it", after, before);
        }
        UUID nodeId = h.createQuery("SELECT node_id FROM " + s + ".node").mapTo(UUID.class).one();
        // The key of the feed's cursor receipts (CursorReceipts): random, never leaves this database.
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        h.createUpdate("UPDATE " + s + ".node SET cursor_key = :k WHERE cursor_key IS NULL").bind("k", key).execute();
        h.createUpdate("INSERT INTO " + s + ".config (id, clock_offset_ms) VALUES (1, :o)"
                + " ON CONFLICT (id) DO UPDATE SET clock_offset_ms = EXCLUDED.clock_offset_ms")
                .bind("o", settings.clockOffsetMillis()).execute();
        installFunctions(h, s, locks);
        h.execute(IncomingRows.tablesFunction(s));
        h.execute(Truncations.captureFunction(s, nodeId));
        ColumnRegistry.reconcile(h, s, tables, new HeldValues(s)); // columns added while the node was stopped
        for (PgTable t : tables) {
            installTable(h, t, settings.bucketCount(), nodeId, s);
            h.execute(Truncations.trigger(s, t));
        }
        return new NodeId(nodeId);
    }

    private static void installFunctions(Handle h, String s, Locks locks) {
        // Signatures of the first development cut; a one-argument overload would make calls ambiguous.
        h.execute("DROP FUNCTION IF EXISTS " + s + ".hlc_reserve(bigint)");
        h.execute("DROP FUNCTION IF EXISTS " + s + ".hlc_observe(bigint)");
        // plpgsql, not sql: a non-inlinable SQL function is planned again in every transaction.
        h.execute("CREATE OR REPLACE FUNCTION " + s + ".phys_ms() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$"
                + " BEGIN RETURN (extract(epoch FROM clock_timestamp()) * 1000)::bigint"
                + " + (SELECT clock_offset_ms FROM " + s + ".config WHERE id = 1); END $$");
        // The clock: every read and write of hlc_seq happens under one short session-level advisory lock
        // (held for microseconds, never until commit), so setval can never hand out a value twice.
        // hlc_reserve(n, floor) returns the first of n fresh consecutive values, all above floor and
        // at least the physical clock; hlc_reserve(1, v) moves the clock past a received version v.
        h.execute("CREATE OR REPLACE FUNCTION " + s + ".hlc_reserve(n bigint, floor bigint DEFAULT 0) RETURNS bigint"
                + " LANGUAGE plpgsql AS $$\n"
                + "DECLARE cur bigint; base bigint;\n"
                + "BEGIN\n"
                + "  PERFORM pg_advisory_lock(" + locks.clock() + ");\n"
                + "  BEGIN\n"
                + "    cur := nextval('" + s + ".hlc_seq');\n"
                + "    base := greatest(cur, " + s + ".phys_ms() << 16, coalesce(floor, 0) + 1);\n"
                + "    IF base + n - 1 > cur THEN PERFORM setval('" + s + ".hlc_seq', base + n - 1); END IF;\n"
                + "  EXCEPTION WHEN query_canceled OR others THEN\n"
                + "    PERFORM pg_advisory_unlock(" + locks.clock() + ");\n"
                + "    RAISE;\n"
                + "  END;\n"
                + "  PERFORM pg_advisory_unlock(" + locks.clock() + ");\n"
                + "  RETURN base;\n"
                + "END $$");
        // Both hash functions are IMMUTABLE and use only immutable operators (explicit ::text casts, not
        // text || anyelement, which is STABLE), so the planner inlines them instead of running a query per row.
        h.execute("CREATE OR REPLACE FUNCTION " + s + ".bucket_of(pk text, buckets int) RETURNS int"
                + " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
                + " SELECT ((('x' || substr(md5(pk), 1, 8))::bit(32)::int & 2147483647) % buckets) $$");
        h.execute("CREATE OR REPLACE FUNCTION " + s + ".row_hash(pk text, hlc bigint, origin uuid, deleted boolean)"
                + " RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
                + " SELECT ('x' || substr(md5(pk || '|' || hlc::text || '|' || origin::text || '|' || deleted::text), 1, 16))"
                + "::bit(64)::bigint $$");
        // Column versions enter the stored hash (XOR): rows that differ only in a column's version differ in digests.
        // jsonb prints its keys in one order, so equal versions give equal text.
        // Columns no write reached (NodeId.NEVER) leave the hash alone: they hold the default on every node, and a
        // node that marks them when it gains a column (ColumnRegistry) must not make every row differ from its peers'.
        String never = Sql.literal("\"" + NodeId.NEVER + "\"");
        h.execute("CREATE OR REPLACE FUNCTION " + s + ".cv_hash_written(cv jsonb) RETURNS bigint"
                + " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
                + " SELECT coalesce(('x' || substr(md5((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(cv) e"
                + " WHERE e.value -> 1 <> " + never + "::jsonb)::text), 1, 16))::bit(64)::bigint, 0) $$");
        h.execute("CREATE OR REPLACE FUNCTION " + s + ".cv_hash(cv jsonb) RETURNS bigint"
                + " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
                + " SELECT CASE WHEN cv IS NULL THEN 0 WHEN strpos(cv::text, " + never + ") = 0"
                + " THEN ('x' || substr(md5(cv::text), 1, 16))::bit(64)::bigint ELSE " + s + ".cv_hash_written(cv) END $$");
        // Column versions as received, made canonical (ColumnVersions): typed values (a malformed one fails the
        // statement: nothing is applied), only versions below the row's, none for a tombstone, null for none.
        h.execute("CREATE OR REPLACE FUNCTION " + s + ".cv_normal(cv jsonb, hlc bigint, origin uuid, deleted boolean)"
                + " RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$"
                + " SELECT CASE WHEN cv IS NULL OR deleted THEN NULL ELSE (SELECT nullif(coalesce(jsonb_object_agg(e.key,"
                + " jsonb_build_array(e.h, e.o)) FILTER (WHERE (e.h, e.o) < (hlc, origin)), '{}'), '{}')"
                + " FROM (SELECT key, (value ->> 0)::bigint AS h, (value ->> 1)::uuid AS o FROM jsonb_each(cv)) e) END $$");
        // Digest deltas from the metadata tables' transition tables: exact old and new row hashes, insert-only.
        h.execute("CREATE OR REPLACE FUNCTION " + s + ".digest_capture() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                + "BEGIN\n"
                + "  IF TG_OP = 'INSERT' THEN\n"
                + "    INSERT INTO " + s + ".digest_delta (tbl, bucket, delta, live, max_hlc)\n"
                + "    SELECT TG_ARGV[0], _bucket, bit_xor(_hash), count(*) FILTER (WHERE NOT _deleted), max(_hlc)\n"
                + "    FROM n GROUP BY _bucket;\n"
                + "  ELSIF TG_OP = 'UPDATE' THEN\n"
                // INSERT ... ON CONFLICT fires the UPDATE statement trigger even when nothing conflicted.
                + "    IF NOT EXISTS (SELECT 1 FROM n) THEN RETURN NULL; END IF;\n"
                + "    INSERT INTO " + s + ".digest_delta (tbl, bucket, delta, live, max_hlc)\n"
                + "    SELECT TG_ARGV[0], b, bit_xor(h), sum(l), max(m) FROM (\n"
                + "      SELECT _bucket b, _hash h, CASE WHEN _deleted THEN 0 ELSE 1 END l, _hlc m FROM n\n"
                + "      UNION ALL SELECT _bucket, _hash, CASE WHEN _deleted THEN 0 ELSE -1 END, 0 FROM o) x\n"
                + "    GROUP BY b;\n"
                + "  ELSE\n"
                + "    INSERT INTO " + s + ".digest_delta (tbl, bucket, delta, live, max_hlc)\n"
                + "    SELECT TG_ARGV[0], _bucket, bit_xor(_hash), -count(*) FILTER (WHERE NOT _deleted), 0\n"
                + "    FROM o GROUP BY _bucket;\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END $$");
    }

    private static void installTable(Handle h, PgTable t, int bucketCount, UUID nodeId, String s) {
        boolean fresh = h.createQuery("SELECT to_regclass(:m) IS NULL")
                .bind("m", t.meta()).mapTo(Boolean.class).one();
        StringBuilder cols = new StringBuilder();
        for (PgTable.Column c : t.pk()) {
            cols.append(c.quoted()).append(' ').append(c.type()).append(" NOT NULL, ");
        }
        h.execute("CREATE TABLE IF NOT EXISTS " + t.meta() + " (" + cols
                + "_hlc bigint NOT NULL, _origin uuid NOT NULL, _deleted boolean NOT NULL, _tx xid8 NOT NULL,"
                + " _seq bigint NOT NULL, _bucket int NOT NULL, _hash bigint NOT NULL, _otx xid8,"
                + " PRIMARY KEY (" + t.pkNames() + "))");
        // The origin's transaction id of each version (null: unknown), added to installs made before it existed.
        h.execute("ALTER TABLE " + t.meta() + " ADD COLUMN IF NOT EXISTS _otx xid8");
        // The versions of the columns below the row's version (ColumnVersions), null when there are none.
        h.execute("ALTER TABLE " + t.meta() + " ADD COLUMN IF NOT EXISTS _cv jsonb");
        // The version this version replaced where it was written (null: a new key there), to tell real conflicts.
        h.execute("ALTER TABLE " + t.meta() + " ADD COLUMN IF NOT EXISTS _phlc bigint, ADD COLUMN IF NOT EXISTS _porigin uuid");
        h.execute("CREATE INDEX IF NOT EXISTS " + Sql.ident(t.metaName() + "_tx_seq") + " ON " + t.meta() + " (_tx, _seq)");
        h.execute("CREATE INDEX IF NOT EXISTS " + Sql.ident(t.metaName() + "_bucket") + " ON " + t.meta() + " (_bucket)");
        // Only tombstones: tombstone collection never scans the live rows.
        h.execute("CREATE INDEX IF NOT EXISTS " + Sql.ident(t.metaName() + "_tombstones") + " ON " + t.meta()
                + " (_hlc) WHERE _deleted");
        statementTriggers(h, "peersync_digest_", t.meta(), s + ".digest_capture(" + Sql.literal(t.name()) + ")");
        h.execute(CaptureSql.function(t, bucketCount, nodeId));
        if (fresh) {
            backfill(h, t, bucketCount, nodeId, s);
        }
        statementTriggers(h, "peersync_capture_", t.qualified(), t.captureFunction() + "()");
    }

    /** One statement-level AFTER trigger per event (transition tables allow only one event per trigger). */
    private static void statementTriggers(Handle h, String prefix, String table, String call) {
        for (String op : List.of("INSERT", "UPDATE", "DELETE")) {
            String ref = switch (op) {
                case "INSERT" -> "NEW TABLE AS n";
                case "DELETE" -> "OLD TABLE AS o";
                default -> "NEW TABLE AS n OLD TABLE AS o";
            };
            h.execute("CREATE OR REPLACE TRIGGER " + Sql.ident(prefix + op.toLowerCase()) + " AFTER " + op
                    + " ON " + table + " REFERENCING " + ref + " FOR EACH STATEMENT EXECUTE FUNCTION " + call);
        }
    }

    /** Rows that existed before sync-core was installed get a local version, so they enter the feed. */
    private static void backfill(Handle h, PgTable t, int bucketCount, UUID nodeId, String s) {
        long count = h.createQuery("SELECT count(*) FROM " + t.qualified()).mapTo(Long.class).one();
        if (count == 0) {
            return;
        }
        String me = Sql.literal(nodeId.toString()) + "::uuid";
        h.execute(Sql.TRANSACTION_SETTINGS);
        h.createUpdate("INSERT INTO " + t.meta() + " (" + t.pkNames() + ", _hlc, _origin, _deleted, _tx, _otx, _seq, _bucket, _hash)"
                + " SELECT " + t.pkList("v") + ", v._v, " + me + ", false, pg_current_xact_id(), pg_current_xact_id(), v._v,"
                + " " + s + ".bucket_of(v._pkt, " + bucketCount + "), " + s + ".row_hash(v._pkt, v._v, " + me + ", false)"
                + " FROM (SELECT " + t.pkList("x") + ", " + t.pkText("x") + " AS _pkt, :base + row_number() OVER () - 1 AS _v"
                + " FROM " + t.qualified() + " x) v")
                .bind("base", h.createQuery("SELECT " + s + ".hlc_reserve(:n)").bind("n", count).mapTo(Long.class).one())
                .execute();
    }
}
