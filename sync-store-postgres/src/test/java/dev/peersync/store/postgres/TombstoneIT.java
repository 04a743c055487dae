package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

class TombstoneIT {
    /** Longer than any test: no peer counts as absent (see the gc_grace tests for that). */
    private static final Duration DAY = Duration.ofDays(1);

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

        assertThat(a.store.collectTombstones(List.of(b.id()), Duration.ZERO, DAY)).as("b has not pulled the delete").isZero();
        b.pullFrom(a);
        assertThat(a.store.collectTombstones(List.of(b.id(), c.id()), Duration.ZERO, DAY)).as("c has not").isZero();
        assertThat(a.store.collectTombstones(List.of(b.id(), NodeId.random()), Duration.ZERO, DAY))
                .as("a peer never heard from acknowledges nothing").isZero();
        c.pullFrom(a);
        assertThat(a.store.collectTombstones(List.of(b.id(), c.id()), Duration.ofHours(1), DAY)).as("too young").isZero();
        assertThat(a.store.collectTombstones(List.of(b.id(), c.id()), Duration.ZERO, DAY)).isEqualTo(1);
        assertThat(a.count("SELECT count(*) FROM peersync.m_users")).isZero();

        // Both peers had the tombstone: an old live copy can no longer come back from them.
        assertThat(b.count("SELECT count(*) FROM users")).isZero();
        assertThat(c.count("SELECT count(*) FROM users")).isZero();
        a.pullFrom(b);
        a.pullFrom(c);
        assertThat(a.count("SELECT count(*) FROM users")).isZero();
        assertThat(a.store.digest("users").rowCount()).isZero();
    }

    @Test
    void peers_synced_with_before_a_restart_still_hold_collection_back_until_they_pull_or_are_forgotten() {
        TestNode a = nodes.create("gc_persist_a");
        TestNode b = nodes.create("gc_persist_b");
        UUID u = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'gone', now())", u);
        b.pullFrom(a);
        a.sql("DELETE FROM users WHERE id = ?", u);
        // After a restart the directory lists no peer: b, which synced with a, is still waited for.
        assertThat(a.store.collectTombstones(List.of(), Duration.ZERO, DAY)).as("b has not pulled the delete").isZero();
        a.store.forgetPeer(b.id());
        assertThat(a.store.collectTombstones(List.of(), Duration.ZERO, DAY)).as("b forgotten for good").isEqualTo(1);
    }

    @Test
    void a_cursor_the_requester_made_up_acknowledges_nothing() {
        TestNode a = nodes.create("gc_claim_a");
        TestNode b = nodes.create("gc_claim_b");
        UUID u = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'gone', now())", u);
        b.pullFrom(a);
        a.sql("DELETE FROM users WHERE id = ?", u);
        // b claims a cursor past the delete without having pulled it: it is served, but acknowledges nothing.
        String issued = b.store.cursor(a.id());
        String[] parts = issued.split("\\|");
        String snapshot = a.rows("SELECT pg_current_snapshot()::text AS s").get(0).get("s").toString();
        String madeUp = String.join("|", parts[0], parts[1], snapshot, snapshot, parts[4], parts[5]);
        a.store.readChanges(b.id(), new dev.peersync.core.spi.PullRequest(a.store.tables(), madeUp, 100));
        a.store.readChanges(b.id(), new dev.peersync.core.spi.PullRequest(a.store.tables(), madeUp + "|"
                + "A".repeat(22), 100));
        assertThat(a.store.collectTombstones(List.of(b.id()), Duration.ZERO, DAY)).isZero();
        // A cursor issued to another peer is no receipt for b either.
        TestNode c = nodes.create("gc_claim_c");
        c.pullFrom(a);
        a.store.readChanges(b.id(), new dev.peersync.core.spi.PullRequest(a.store.tables(), c.store.cursor(a.id()), 100));
        assertThat(a.count("SELECT count(*) FROM peersync.peer_ack WHERE peer = '" + b.id() + "' AND"
                + " pg_visible_in_snapshot((SELECT _tx FROM peersync.m_users), acked)")).isZero();
        b.pullFrom(a); // what b actually pulled
        c.pullFrom(a);
        assertThat(a.store.collectTombstones(List.of(b.id()), Duration.ZERO, DAY)).isEqualTo(1);
    }
}
