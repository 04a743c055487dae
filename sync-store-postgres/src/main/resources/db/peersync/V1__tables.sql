-- sync-core's own tables, in the schema StoreSettings names (${schema}). Idempotent on purpose: a database created
-- before these migrations existed (by the installer's CREATE ... IF NOT EXISTS) is baselined at version 0 and
-- brought to this layout by the same statements, whatever older layout it has.
-- The metadata tables, functions and triggers of the synced tables are not here: they depend on which tables an
-- application syncs, and the installer keeps them up to date at every start.

-- This node: its id, the digest bucket count (fixed at the first install) and the key of its cursor receipts.
CREATE TABLE IF NOT EXISTS ${schema}.node (id int PRIMARY KEY CHECK (id = 1), node_id uuid NOT NULL,
    bucket_count int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
ALTER TABLE ${schema}.node ADD COLUMN IF NOT EXISTS cursor_key bytea;
CREATE TABLE IF NOT EXISTS ${schema}.config (id int PRIMARY KEY CHECK (id = 1), clock_offset_ms bigint NOT NULL DEFAULT 0);
-- The hybrid logical clock.
CREATE SEQUENCE IF NOT EXISTS ${schema}.hlc_seq;

-- Our cursor on each peer's feed; holds = false: the cursor jumped to the peer's current position.
CREATE TABLE IF NOT EXISTS ${schema}.peer_cursor (peer uuid PRIMARY KEY, cursor text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now());
ALTER TABLE ${schema}.peer_cursor ADD COLUMN IF NOT EXISTS holds boolean NOT NULL DEFAULT true;
-- What each peer acknowledged of our feed (tombstone collection).
CREATE TABLE IF NOT EXISTS ${schema}.peer_ack (peer uuid NOT NULL, tbl text NOT NULL, acked pg_snapshot NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (peer, tbl));

-- Rows from peers that could not be applied yet (missing parent, unique collision, clock skew).
CREATE TABLE IF NOT EXISTS ${schema}.parked (tbl text NOT NULL, pk text NOT NULL, hlc bigint NOT NULL,
    origin uuid NOT NULL, deleted boolean NOT NULL, data jsonb, reason text NOT NULL, attempts int NOT NULL DEFAULT 1,
    parked_at timestamptz NOT NULL DEFAULT now(), peer uuid NOT NULL, PRIMARY KEY (tbl, pk));
ALTER TABLE ${schema}.parked ADD COLUMN IF NOT EXISTS cv jsonb, ADD COLUMN IF NOT EXISTS phlc bigint,
    ADD COLUMN IF NOT EXISTS porigin uuid;

-- The newest TRUNCATE of each table (Truncations).
CREATE TABLE IF NOT EXISTS ${schema}.truncations (tbl text PRIMARY KEY, hlc bigint NOT NULL, origin uuid NOT NULL,
    tx xid8 NOT NULL, seq bigint NOT NULL, otx xid8);

-- The conflict log of this node (Conflicts): what it resolved, both sides, how; pruned after the retention.
CREATE TABLE IF NOT EXISTS ${schema}.conflicts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(), tbl text NOT NULL, pk text NOT NULL, type text NOT NULL,
    resolution text NOT NULL, local_hlc bigint, local_origin uuid, incoming_hlc bigint, incoming_origin uuid,
    local_row jsonb, incoming_row jsonb, peer uuid, detail text);
CREATE INDEX IF NOT EXISTS conflicts_at ON ${schema}.conflicts (at);

-- Table digests: folded bucket hashes, and the deltas writers leave for the next fold.
CREATE TABLE IF NOT EXISTS ${schema}.digest_bucket (tbl text NOT NULL, bucket int NOT NULL, hash bigint NOT NULL,
    live bigint NOT NULL, max_hlc bigint NOT NULL, PRIMARY KEY (tbl, bucket));
CREATE TABLE IF NOT EXISTS ${schema}.digest_delta (tbl text NOT NULL, bucket int NOT NULL, delta bigint NOT NULL,
    live bigint NOT NULL, max_hlc bigint NOT NULL);
CREATE INDEX IF NOT EXISTS digest_delta_tbl ON ${schema}.digest_delta (tbl);
