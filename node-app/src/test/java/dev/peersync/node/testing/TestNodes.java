package dev.peersync.node.testing;

import dev.peersync.node.Node;
import dev.peersync.node.config.ConfigLoader;
import dev.peersync.node.config.NodeConfig;
import dev.peersync.testing.FreePorts;
import dev.peersync.testing.TestDatabase;
import java.util.HashMap;
import java.util.Map;

/** Starts in-process nodes for tests: each on its own database, free ports, discovery off, a shared secret. */
public final class TestNodes {
    public static final String CLUSTER_SECRET = "test-cluster-secret-9f3kQ7zX2pL8vR4mN6bT";
    public static final String JWT_SECRET = "test-jwt-secret-0123456789-0123456789";

    private TestNodes() {
    }

    /** The environment of a test node; {@code extra} entries override the defaults. */
    public static Map<String, String> environment(String name, TestDatabase database, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("NODE_NAME", name);
        env.put("API_PORT", Integer.toString(FreePorts.tcp()));
        env.put("P2P_PORT", Integer.toString(FreePorts.tcp()));
        env.put("DISCOVERY_PORT", Integer.toString(FreePorts.udp()));
        env.put("ENABLE_AUTO_DISCOVERY", "false");
        env.put("SYNC_INTERVAL", "2");
        env.put("CLUSTER_SECRET", CLUSTER_SECRET);
        env.put("JWT_SECRET", JWT_SECRET);
        String separator = database.jdbcUrl().contains("?") ? "&" : "?";
        env.put("DATABASE_URL", database.jdbcUrl() + separator + "user=" + database.user() + "&password="
                + database.password());
        env.putAll(extra);
        return env;
    }

    public static Node start(String name, TestDatabase database, Map<String, String> extra) {
        return start(environment(name, database, extra));
    }

    public static Node start(Map<String, String> environment) {
        NodeConfig config = new ConfigLoader(Map.of(), environment, Map.of()).load();
        return Node.start(config);
    }

    /** Inserts {@code rows} categories straight into a node's database (captured like any write). */
    public static void insertCategories(TestDatabase database, int rows) {
        try (java.sql.Connection c = database.dataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("INSERT INTO categories (id, name, created_at, updated_at) SELECT gen_random_uuid(),"
                    + " 'category ' || g, now(), now() FROM generate_series(1, " + rows + ") g");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not insert categories: " + e.getMessage(), e);
        }
    }
}
