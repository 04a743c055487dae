package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.engine.JoinProgress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Why /ready answers 503: shutting down first, then a running snapshot join; ready otherwise. */
class ReadinessTest {
    private static final JoinProgress JOIN = new JoinProgress(JoinProgress.Kind.JOIN, NodeId.random(), Instant.EPOCH,
            "users", List.of(new JoinProgress.Table("users", 10, 40)), false);

    @Test
    void not_ready_while_shutting_down_or_joining() {
        assertThat(Node.readiness(false, Optional.empty())).isEmpty();
        assertThat(Node.readiness(false, Optional.of(JOIN))).hasValueSatisfying(
                reason -> assertThat(reason).startsWith("joining ").contains("10 of 40 rows"));
        assertThat(Node.readiness(true, Optional.of(JOIN))).hasValue("the node is shutting down");
        assertThat(Node.readiness(true, Optional.empty())).hasValue("the node is shutting down");
    }
}
