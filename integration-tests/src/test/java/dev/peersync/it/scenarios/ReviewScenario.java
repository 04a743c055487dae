package dev.peersync.it.scenarios;

import dev.peersync.it.check.WriteHistory;
import dev.peersync.it.fixture.Cluster;
import dev.peersync.it.fixture.ClusterExtension;
import dev.peersync.it.fixture.ClusterNode;
import org.junit.jupiter.api.BeforeEach;

/** A scenario that writes through the review API: each test starts with a fresh write history on the cluster. */
abstract class ReviewScenario {
    protected Cluster cluster;
    protected WriteHistory history;
    protected ReviewCalls calls;

    /** The class's cluster (a static {@code @RegisterExtension} field of the subclass). */
    protected abstract ClusterExtension nodes();

    @BeforeEach
    void freshHistory() {
        cluster = nodes().cluster();
        history = WriteHistory.forReviewSchema();
        calls = new ReviewCalls(history);
    }

    protected ClusterNode node(int number) {
        return cluster.node(number);
    }
}
