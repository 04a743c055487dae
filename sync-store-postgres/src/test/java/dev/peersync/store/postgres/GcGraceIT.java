package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.SnapshotPage;
import dev.peersync.core.spi.SnapshotRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gc_grace rule: a peer away for longer than the tombstone retention does not hold collection back; it is refused
 * by the feed until it rejoins by snapshot, which drops the rows deleted meanwhile and keeps the writes it made
 * meanwhile. Time passes by moving every node's clock forward, not by waiting.
 */
class GcGraceIT {
    private static final Duration RETENTION = Duration.ofHours(1);

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void a_peer_away_past_the_retention_is_refused_then_rejoins_without_resurrecting_deletes_or_losing_its_writes() {
        TestNode a = nodes.create("grace_a");
        TestNode b = nodes.create("grace_b");
        TestNode p = nodes.create("grace_p");
        UUID deletedOfA = UUID.randomUUID();
        UUID editedOnP = UUID.randomUUID();
        UUID untouched = UUID.randomUUID();
        UUID deletedOfP = UUID.randomUUID();
        UUID newOnP = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'deleted-of-a', now()), (?, 'edited-on-p', now()), (?, 'untouched', now())",
                deletedOfA, editedOnP, untouched);
        p.sql("INSERT INTO users VALUES (?, 'deleted-of-p', now())", deletedOfP);
        for (int i = 0; i < 2; i++) { // everyone holds everything, and each knows the others hold it
            b.pullFrom(a);
            p.pullFrom(a);
            a.pullFrom(p);
            b.pullFrom(p);
            a.pullFrom(b);
            p.pullFrom(b);
        }
        assertThat(p.count("SELECT count(*) FROM users")).isEqualTo(4);

        // p goes away. Meanwhile a deletes two rows (b hears of it), and p edits one row and adds another.
        TestNode.clockTicks();
        a.sql("DELETE FROM users WHERE id IN (?, ?)", deletedOfA, deletedOfP);
        b.pullFrom(a);
        p.sql("UPDATE users SET username = 'edited-while-away' WHERE id = ?", editedOnP);
        p.sql("INSERT INTO users VALUES (?, 'new-while-away', now())", newOnP);

        // Two hours pass for everyone; b keeps in touch with a, p does not.
        for (TestNode n : List.of(a, b, p)) {
            n.sql("UPDATE peersync.config SET clock_offset_ms = " + Duration.ofHours(2).toMillis());
        }
        b.pullFrom(a);
        a.pullFrom(b);
        a.pullFrom(b); // the cursor sent back acknowledges b's copy of the deletes
        assertThat(a.store.collectTombstones(List.of(), RETENTION, RETENTION))
                .as("p, away past the retention, does not hold collection back").isEqualTo(2);
        assertThat(a.store.isExpired(p.id())).isTrue();
        assertThat(a.store.isExpired(b.id())).as("b kept in touch").isFalse();
        assertThat(b.store.collectTombstones(List.of(), RETENTION, RETENTION)).isEqualTo(2);
        assertThat(b.store.isExpired(p.id())).isTrue();

        // p's old cursor is refused: it would never hear of the collected deletes. The refusal acknowledges nothing.
        String oldCursor = p.store.cursor(a.id());
        ChangeBatch refused = a.store.readChanges(p.id(), new PullRequest(a.store.tables(), oldCursor, 100));
        assertThat(refused.rejoin()).isTrue();
        assertThat(refused.changes()).isEmpty();
        assertThat(refused.nextCursor()).isEqualTo(oldCursor);
        assertThat(a.store.isExpired(p.id())).as("still refused until it rejoins").isTrue();

        // p rejoins by snapshot, in small pages so that the key ranges between pages count too.
        String cursor = rejoin(p, a, 1);
        assertThat(p.rows("SELECT username FROM users ORDER BY username").stream().map(r -> r.get("username")))
                .as("the rows a deleted are gone; what p wrote while away is kept")
                .containsExactly("edited-while-away", "new-while-away", "untouched");
        p.store.storeCursor(a.id(), cursor);
        p.pullFrom(a);
        assertThat(a.store.isExpired(p.id())).as("a cursor handed out after the expiry proves the rejoin").isFalse();

        // b refuses p too, until p rejoins it as well.
        assertThat(b.store.readChanges(p.id(), new PullRequest(b.store.tables(), p.store.cursor(b.id()), 100)).rejoin())
                .isTrue();
        p.store.storeCursor(b.id(), rejoin(p, b, 1000));
        p.pullFrom(b);
        assertThat(b.store.isExpired(p.id())).isFalse();

        // a and b pull p's writes made while away; nothing they deleted comes back anywhere.
        a.pullFrom(p);
        b.pullFrom(p);
        for (TestNode n : List.of(a, b, p)) {
            assertThat(n.rows("SELECT username FROM users ORDER BY username").stream().map(r -> r.get("username")))
                    .as("users on %s", n.db.name())
                    .containsExactly("edited-while-away", "new-while-away", "untouched");
        }
        assertThat(p.digests()).isEqualTo(a.digests());
        assertThat(b.digests()).isEqualTo(a.digests());
        assertThat(p.count("SELECT count(*) FROM peersync.m_users WHERE _deleted"))
                .as("dropped without tombstones of p's own").isZero();
    }

    @Test
    void a_peer_that_missed_no_collected_tombstone_is_not_expired_and_an_expired_peer_can_be_forgotten() {
        TestNode a = nodes.create("grace_quiet_a");
        TestNode p = nodes.create("grace_quiet_p");
        UUID u = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'gone', now())", u);
        p.pullFrom(a);
        a.sql("DELETE FROM users WHERE id = ?", u);
        p.pullFrom(a);
        p.pullFrom(a); // the cursor sent back acknowledges the delete
        a.sql("UPDATE peersync.config SET clock_offset_ms = " + Duration.ofHours(2).toMillis());
        assertThat(a.store.collectTombstones(List.of(), RETENTION, RETENTION)).isEqualTo(1);
        assertThat(a.store.isExpired(p.id())).as("p had the delete: nothing to rejoin for").isFalse();

        UUID v = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'gone too', now())", v);
        a.sql("DELETE FROM users WHERE id = ?", v);
        a.sql("UPDATE peersync.config SET clock_offset_ms = " + Duration.ofHours(4).toMillis());
        assertThat(a.store.collectTombstones(List.of(), RETENTION, RETENTION)).isEqualTo(1);
        assertThat(a.store.isExpired(p.id())).as("p missed that one").isTrue();
        a.store.forgetPeer(p.id());
        assertThat(a.store.isExpired(p.id())).isFalse();
    }

    /** Loads {@code source}'s whole snapshot into {@code target} as a rejoin; returns the first page's cursor. */
    private static String rejoin(TestNode target, TestNode source, int pageRows) {
        String cursor = null;
        for (String table : target.store.tables()) {
            List<String> columns = target.store.snapshotColumns(table);
            String after = "";
            SnapshotPage page;
            do {
                page = source.store.readSnapshot(target.id(), new SnapshotRequest(table, columns, after, pageRows));
                cursor = cursor == null ? page.feedCursor() : cursor;
                target.store.rejoinSnapshotPage(source.id(), table, after, page);
                after = page.lastPk();
            } while (page.hasMore());
        }
        return cursor;
    }
}
