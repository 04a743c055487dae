package dev.peersync.transport.netty.support;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.SchemaShape;
import java.util.List;
import java.util.Map;

/** Hellos of made-up nodes. */
public final class Nodes {
    public static final String CLUSTER = "test-cluster";
    /** One synced table, {@code items (id uuid, name text)}; a name other than this shape's table is another shape. */
    public static final String SCHEMA = "items";

    private Nodes() {
    }

    public static NodeHello hello(String name) {
        return hello(name, CLUSTER, SCHEMA);
    }

    /** A node whose one synced table is named {@code schema} (so two names make incompatible shapes). */
    public static NodeHello hello(String name, String cluster, String schema) {
        return new NodeHello(NodeId.random(), name, cluster, shape(schema, Map.of("id", "uuid", "name", "text")), 8000,
                0, "test", null);
    }

    public static SchemaShape shape(String table, Map<String, String> columns) {
        return new SchemaShape(Map.of(table, new SchemaShape.Table(List.of("id"), columns)));
    }
}
