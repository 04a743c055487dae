package dev.peersync.node;

import dev.peersync.node.config.NodeConfig;
import java.util.concurrent.CountDownLatch;

/** Runs a node until the JVM is asked to stop (SIGTERM, Ctrl-C), then stops it cleanly. */
final class NodeRunner {
    private NodeRunner() {
    }

    static void run(NodeConfig config) throws InterruptedException {
        Node node = Node.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "node-shutdown"));
        stopped.await();
    }
}
