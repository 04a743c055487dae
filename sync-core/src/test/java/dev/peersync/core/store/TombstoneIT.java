package dev.peersync.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

class TombstoneIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void a_tombstone_is_collected_only_when_old_enough_and_acknowledged_by_every_listed_peer() {
        TestNode a = nodes.create("gc_a");
        TestNode b = nodes.create("gc_b");
        TestNode c = nodes.create("gc_c");
        UUID u = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'gone', now())", u);
        b.pullFrom(a);
        c.pullFrom(a);
        a.sql("DELETE FROM users WHERE id = ?", u);

        assertThat(a.store.collectTombstones(List.of(b.id()), Duration.ZERO)).as("b has not pulled the delete").isZero();
        b.pullFrom(a);
        assertThat(a.store.collectTombstones(List.of(b.id(), c.id()), Duration.ZERO)).as("c has not").isZero();
        assertThat(a.store.collectTombstones(List.of(b.id(), NodeId.random()), Duration.ZERO))
                .as("a peer never heard from acknowledges nothing").isZero();
        c.pullFrom(a);
        assertThat(a.store.collectTombstones(List.of(b.id(), c.id()), Duration.ofHours(1))).as("too young").isZero();
        assertThat(a.store.collectTombstones(List.of(b.id(), c.id()), Duration.ZERO)).isEqualTo(1);
        assertThat(a.count("SELECT count(*) FROM peersync.m_users")).isZero();

        // Both peers had the tombstone: an old live copy can no longer come back from them.
        assertThat(b.count("SELECT count(*) FROM users")).isZero();
        assertThat(c.count("SELECT count(*) FROM users")).isZero();
        a.pullFrom(b);
        a.pullFrom(c);
        assertThat(a.count("SELECT count(*) FROM users")).isZero();
        assertThat(a.store.digest("users").rowCount()).isZero();
    }
}
