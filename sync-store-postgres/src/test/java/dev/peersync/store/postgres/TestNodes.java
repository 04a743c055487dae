package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Creates {@link TestNode}s for one test and drops their databases after it. */
final class TestNodes implements AfterEachCallback {
    private final List<TestNode> nodes = new ArrayList<>();

    TestNode create(String name) {
        return keep(TestNode.create(name));
    }

    TestNode create(String name, StoreSettings settings) {
        return keep(TestNode.create(name, settings));
    }

    TestNode create(String name, StoreSettings settings, String ddl) {
        return keep(TestNode.create(name, settings, ddl));
    }

    private TestNode keep(TestNode node) {
        nodes.add(node);
        return node;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        nodes.forEach(TestNode::close);
        nodes.clear();
    }
}
