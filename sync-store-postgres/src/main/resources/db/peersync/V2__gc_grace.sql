-- The gc_grace rule (TombstoneCollector, PeerExpiry, StaleRows).
-- Peers away longer than the tombstone retention that missed a collected tombstone: refused until they rejoin.
CREATE TABLE IF NOT EXISTS ${schema}.peer_expired (peer uuid PRIMARY KEY, expired_xid xid8 NOT NULL, last_contact timestamptz,
    expired_at timestamptz NOT NULL DEFAULT now());
-- Per table: tombstones of versions below hlc may have been collected here.
CREATE TABLE IF NOT EXISTS ${schema}.gc_horizon (tbl text PRIMARY KEY, hlc bigint NOT NULL);
