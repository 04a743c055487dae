package dev.peersync.node.testing;

import dev.peersync.node.Node;
import dev.peersync.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** In-process nodes a test starts, each closed after the test (a JUnit extension: register it per test instance). */
public final class RunningNodes implements AfterEachCallback {
    private final List<Node> nodes = new ArrayList<>();

    public Node start(String name, TestDatabase database, Map<String, String> extra) {
        Node node = TestNodes.start(name, database, extra);
        nodes.add(node);
        return node;
    }

    /** Closes one node now (a restart test); it is not closed again after the test. */
    public void stop(Node node) {
        node.close();
        nodes.remove(node);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        nodes.forEach(Node::close);
        nodes.clear();
    }
}
