-- node-app's own tables, in their own schema with their own Flyway history:
-- never synced, never touched by review-api's migrations.

CREATE TABLE node_app.node_settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Peers an operator added with POST /api/v1/p2p/peers: re-added to the peer directory at every start.
CREATE TABLE node_app.manual_peers (
    node_id    uuid PRIMARY KEY,
    name       text NOT NULL,
    host       text NOT NULL,
    api_port   integer NOT NULL CHECK (api_port BETWEEN 0 AND 65535),
    p2p_port   integer NOT NULL CHECK (p2p_port BETWEEN 1 AND 65535),
    added_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (host, p2p_port)
);
