package dev.peersync.transport.netty.support;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.NodeHello;

/** Hellos of made-up nodes. */
public final class Nodes {
    public static final String CLUSTER = "test-cluster";
    public static final String SCHEMA = "schema-fp-1";

    private Nodes() {
    }

    public static NodeHello hello(String name) {
        return hello(name, CLUSTER, SCHEMA);
    }

    public static NodeHello hello(String name, String cluster, String schema) {
        return new NodeHello(NodeId.random(), name, cluster, schema, 8000, 0, "test");
    }
}
