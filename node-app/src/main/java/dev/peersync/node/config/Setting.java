package dev.peersync.node.config;

/**
 * Every setting of a node: its environment variable (the guide's names), its command-line flag, its default
 * and what it does. This one table drives the flags of {@code NodeMain}, the lookup order in
 * {@link ConfigLoader} and the configuration table in docs/operations.md.
 */
public enum Setting {
    API_PORT("--api-port", "8000", "HTTP port of the review API, the /api/v1/p2p endpoints, the WebSocket and /metrics."),
    P2P_PORT("--p2p-port", "8001", "TCP port of the peer-to-peer sync protocol."),
    DISCOVERY_PORT("--discovery-port", "8002", "UDP port this node listens on for discovery announcements."),
    NODE_NAME("--node-name", "", "Display name of the node. Generated (node-xxxxxx) when empty and then kept: "
            + "in the node database, and for the embedded database in DATA_DIR/node-<API_PORT>.name."),
    ENABLE_P2P_SYNC("--enable-p2p-sync", "true", "Sync with peers (true/false). Changeable live via POST /api/v1/p2p/config."),
    ENABLE_AUTO_DISCOVERY("--enable-auto-discovery", "true", "Find peers by UDP broadcast (true/false)."),
    SYNC_INTERVAL("--sync-interval", "30", "Seconds between fallback sync rounds (changes are also pushed at once)."),
    DATABASE_URL("--database-url", "", "PostgreSQL of this node: postgresql://user:pass@host:port/db or "
            + "jdbc:postgresql://host:port/db?user=..&password=... Empty: an embedded PostgreSQL in DATA_DIR."),
    CLUSTER_SECRET("--cluster-secret", "", "Shared secret (at least 32 bytes, e.g. `openssl rand -base64 48`): authenticates "
            + "P2P connections, their frames, discovery packets and signed table-data/sync-table requests. Empty: "
            + "protected mode, peers on this host (loopback) only."),
    CLUSTER_ID("--cluster-id", "default", "Nodes sync only with nodes of the same cluster id."),
    JWT_SECRET("--jwt-secret", "", "Secret that signs API tokens (at least 32 bytes); the same on every node. Empty: a random "
            + "one per start (tokens are then accepted by this node only, until it restarts)."),
    ADMIN_TOKEN("--admin-token", "", "At least 24 bytes. When set, mutating /api/v1/p2p endpoints, /metrics and the "
            + "WebSocket require 'Authorization: Bearer <token>', and a request bearing it acts as admin on the review API."),
    BIND_ADDRESS("--bind-address", "0.0.0.0", "Address the API and P2P listeners bind (0.0.0.0: all interfaces; "
            + "127.0.0.1: this host only)."),
    DISCOVERY_INTERFACE("--discovery-interface", "", "Network interface discovery announces on and hears from (e.g. lo "
            + "or eth1). Empty: all interfaces (loopback only without CLUSTER_SECRET)."),
    P2P_TLS_CERT("--p2p-tls-cert", "", "PEM certificate chain of this node: turns on TLS on the P2P port (with P2P_TLS_KEY)."),
    P2P_TLS_KEY("--p2p-tls-key", "", "PEM PKCS#8 private key of P2P_TLS_CERT."),
    P2P_TLS_CA("--p2p-tls-ca", "", "PEM certificates trusted for peers (mutual TLS: both sides must present one). "
            + "Empty: P2P_TLS_CERT itself (one certificate shared by the cluster)."),
    CORS_ORIGINS("--cors-origins", "", "Comma-separated origins (e.g. http://10.0.0.5:8000) whose pages may read "
            + "/api/v1/p2p/status and table-info cross-origin (the dashboard comparing nodes). Empty: "
            + "http://localhost and http://127.0.0.1 on any port."),
    DATA_DIR("--data-dir", "./data", "Directory for the embedded database (DATA_DIR/<node-name>/pg) and node files."),
    MAX_CLOCK_OFFSET_MS("--max-clock-offset-ms", "60000", "How far (ms) a peer's clock may run ahead before its "
            + "versions are parked (not applied) and reported as clock skew."),
    TOMBSTONE_RETENTION_HOURS("--tombstone-retention-hours", "168", "How long (hours) a delete's tombstone is kept "
            + "at least. A peer away for longer than this is not waited for: it rejoins by snapshot when it returns "
            + "(the gc_grace rule, docs/operations.md)."),
    TOMBSTONE_GC_INTERVAL("--tombstone-gc-interval", "600", "Seconds between tombstone collections."),
    CONFLICT_RETENTION_DAYS("--conflict-retention-days", "30", "How long (days) an entry of the conflict log "
            + "(GET /api/v1/p2p/conflicts) is kept; older entries are deleted with the tombstone collection."),
    LOG_LEVEL("--log-level", "info", "Level of the node's log: error, warn, info, debug or trace."),
    LOG_FORMAT("--log-format", "text", "Format of the log on standard error: text (one line per event) or json "
            + "(one JSON object per line, for log shippers)."),
    DISCOVERY_PEER_PORTS("--discovery-peer-ports", "", "Comma-separated UDP ports announcements are also sent to "
            + "(several nodes on one host, e.g. 8002,8004,8006). Empty: DISCOVERY_PORT and 8002,8004,8006."),
    SITE_MIGRATIONS("--site-migrations", "", "Directory of extra Flyway SQL migrations (V1000__*.sql and up) applied "
            + "after the review schema's at start: columns or indexes of your own on the synced tables. Roll them out one "
            + "node at a time; sync goes on (docs/operations.md, Migrations while the cluster runs). Empty: none."),
    EMBEDDED_PG_PORT("--embedded-pg-port", "0", "TCP port of the embedded PostgreSQL; 0 picks a free one."),
    CLOCK_OFFSET_MS("--clock-offset-ms", "0", "Diagnostic: milliseconds added to this node's clock (negative: behind) "
            + "for its hybrid logical clock and health timing; used by tests to simulate a skewed host.");

    private final String flag;
    private final String defaultValue;
    private final String description;

    Setting(String flag, String defaultValue, String description) {
        this.flag = flag;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The environment variable (and .env key). */
    public String variable() {
        return name();
    }

    public String flag() {
        return flag;
    }

    /** The default as text; empty means "not set". */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** "API_PORT (--api-port)": how error messages name a setting. */
    public String label() {
        return name() + " (" + flag + ")";
    }
}
