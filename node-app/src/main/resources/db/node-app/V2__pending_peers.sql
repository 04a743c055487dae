-- Manual peers that could not be reached when they were added: kept, retried with backoff, and moved to
-- manual_peers once their handshake succeeds (their node id is only known then).
CREATE TABLE node_app.pending_peers (
    id           uuid PRIMARY KEY,
    host         text NOT NULL,
    api_port     integer NOT NULL CHECK (api_port BETWEEN 1 AND 65535),
    p2p_port     integer CHECK (p2p_port BETWEEN 1 AND 65535),
    peer_id_hint text,
    added_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (host, api_port)
);
