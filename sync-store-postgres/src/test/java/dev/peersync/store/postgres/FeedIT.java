package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

class FeedIT {
    private final NodeId puller = NodeId.random();
    @RegisterExtension
    final TestNodes nodes = new TestNodes();
    private TestNode a;

    @Test
    void a_transaction_that_commits_after_later_ones_is_not_skipped() throws Exception {
        a = nodes.create("late_commit");
        try (Connection held = a.dataSource.getConnection()) {
            held.setAutoCommit(false);
            UUID late = UUID.randomUUID();
            try (PreparedStatement ps = held.prepareStatement("INSERT INTO users VALUES (?, 'late', now())")) {
                ps.setObject(1, late);
                ps.executeUpdate(); // this transaction now has the lowest xid and stays open
            }
            Set<String> seen = new HashSet<>();
            String cursor = "";
            for (int i = 0; i < 3; i++) {
                a.sql("INSERT INTO users VALUES (?, ?, now())", UUID.randomUUID(), "early" + i);
                ChangeBatch batch = pull(cursor, 2);
                batch.changes().forEach(c -> seen.add(c.pk()));
                cursor = batch.nextCursor();
            }
            assertThat(seen).hasSize(3).doesNotContain("[\"" + late + "\"]");
            ChangeBatch quiet = pull(cursor, 10);
            assertThat(quiet.changes()).isEmpty();
            cursor = quiet.nextCursor();

            held.commit();
            List<RowChange> after = drain(cursor);
            assertThat(after).extracting(RowChange::pk).containsExactly("[\"" + late + "\"]");
        }
    }

    @Test
    void small_batches_deliver_every_row_exactly_once() {
        a = nodes.create("batches");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 1234) g");
        a.sql("UPDATE users SET username = username || '_x' WHERE username LIKE 'u1%'");
        List<RowChange> all = drain("", 100);
        assertThat(all).hasSize(1234);
        assertThat(all.stream().map(RowChange::pk).distinct().count()).isEqualTo(1234);
    }

    @Test
    void versions_a_peer_wrote_are_not_sent_back_to_it() {
        a = nodes.create("echo_a");
        TestNode b = nodes.create("echo_b");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'a' || g, now() FROM generate_series(1, 30) g");
        assertThat(b.pullFrom(a)).isEqualTo(30);
        b.sql("INSERT INTO users VALUES (gen_random_uuid(), 'from_b', now())");

        ChangeBatch fromB = b.store.readChanges(a.id(), new PullRequest(List.of("users"), "", 1000));

        // b relays a's rows to others, but not back to a: only b's own row comes to a.
        assertThat(fromB.changes()).extracting(RowChange::origin).containsOnly(b.id());
        assertThat(fromB.changes()).hasSize(1);
        ChangeBatch toThird = b.store.readChanges(NodeId.random(), new PullRequest(List.of("users"), "", 1000));
        assertThat(toThird.changes()).hasSize(31);
    }

    @Test
    void a_page_that_ends_inside_a_transaction_says_so_and_held_cursors_that_are_not_cursors_are_refused() {
        a = nodes.create("midtx");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'one' || g, now() FROM generate_series(1, 30) g");
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'two' || g, now() FROM generate_series(1, 10) g");
        ChangeBatch inside = a.store.readChanges(puller, new PullRequest(List.of("users"), "", 20));
        assertThat(inside.midTransaction()).isTrue();
        ChangeBatch boundary = a.store.readChanges(puller, new PullRequest(List.of("users"), inside.nextCursor(), 10));
        assertThat(boundary.midTransaction()).as("the page ends with the first transaction").isFalse();
        assertThat(boundary.hasMore()).isTrue();

        // A requester can only narrow what it receives itself, and a malformed held cursor is refused before any read.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.store.readChanges(puller,
                        new PullRequest(List.of("users"), "", 20, List.of("v1|not-a-node|1:1:|1:1:|0|0"))))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PullRequest(List.of("users"), "", 20,
                        java.util.Collections.nCopies(PullRequest.MAX_HELD_CURSORS + 1, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 64 held cursors");
        assertThat(a.store.readChanges(puller, new PullRequest(List.of("users"), "", 100)).changes()).hasSize(40);
    }

    @Test
    void the_server_caps_the_batch_size() {
        a = nodes.create("cap", StoreSettings.builder(TestNode.TABLES).maxBatchRows(50).build());
        a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 120) g");
        ChangeBatch batch = a.store.readChanges(puller, new PullRequest(List.of("users"), "", 1000));
        assertThat(batch.changes()).hasSize(50);
        assertThat(batch.hasMore()).isTrue();
    }

    @Test
    void a_page_of_wide_rows_is_cut_by_its_size_and_the_rest_follows() {
        a = nodes.create("wide");
        // 60 rows of about 100 KB each: about 6 MB, more than one page may carry, in one source transaction.
        a.sql("INSERT INTO users SELECT gen_random_uuid(), g || repeat('x', 100000), now() FROM generate_series(1, 60) g");
        ChangeBatch first = pull("", 1000);
        long chars = first.changes().stream().mapToLong(c -> c.data().length()).sum();
        assertThat(first.changes()).hasSizeBetween(30, 59);
        assertThat(chars).isLessThanOrEqualTo(4L << 20);
        assertThat(first.hasMore()).isTrue();
        assertThat(first.midTransaction()).as("cut inside the one source transaction").isTrue();

        List<RowChange> rest = drain(first.nextCursor(), 1000);
        Set<String> keys = new HashSet<>();
        first.changes().forEach(c -> keys.add(c.pk()));
        rest.forEach(c -> keys.add(c.pk()));
        assertThat(first.changes().size() + rest.size()).as("every row once").isEqualTo(60);
        assertThat(keys).hasSize(60);

        // One row wider than a page's budget (products.name has no index), then a narrow one: the wide row still
        // travels, alone, and the narrow one follows.
        List<String> products = List.of("products");
        String end = a.store.readChanges(puller, new PullRequest(products, "", 1000)).nextCursor();
        a.sql("INSERT INTO products (id, name) VALUES (gen_random_uuid(), repeat('z', 5000000))");
        a.sql("INSERT INTO products (id, name) VALUES (gen_random_uuid(), 'narrow')");
        ChangeBatch single = a.store.readChanges(puller, new PullRequest(products, end, 1000));
        assertThat(single.changes()).as("a page holds at least one row, however wide").hasSize(1);
        assertThat(single.changes().get(0).data().length()).isGreaterThan(5_000_000);
        assertThat(single.hasMore()).isTrue();
        ChangeBatch next = a.store.readChanges(puller, new PullRequest(products, single.nextCursor(), 1000));
        assertThat(next.changes()).extracting(RowChange::data).singleElement().asString().contains("narrow");
    }

    @Test
    void concurrent_writers_get_unique_versions_and_all_rows_reach_the_feed() throws Exception {
        a = nodes.create("concurrent");
        int threads = 4;
        int perThread = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        if (i % 10 == 0) {
                            a.sql("INSERT INTO users SELECT gen_random_uuid(), ? || '_' || g, now()"
                                    + " FROM generate_series(1, 5) g", "t" + thread + "_" + i);
                        } else {
                            a.sql("INSERT INTO users VALUES (?, ?, now())", UUID.randomUUID(), "t" + thread + "_" + i);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long expected = threads * (perThread - perThread / 10 + (perThread / 10) * 5L);
        assertThat(a.count("SELECT count(*) FROM users")).isEqualTo(expected);
        assertThat(a.count("SELECT count(DISTINCT _hlc) FROM peersync.m_users")).isEqualTo(expected);
        List<RowChange> all = drain("", 500);
        assertThat(all).hasSize((int) expected);
    }

    @Test
    void versions_of_one_node_only_grow_and_follow_the_physical_clock() {
        a = nodes.create("monotonic");
        long before = System.currentTimeMillis();
        UUID id = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'v', now())", id);
        long previous = 0;
        for (int i = 0; i < 20; i++) {
            a.sql("UPDATE users SET username = ? WHERE id = ?", "v" + i, id);
            long hlc = a.count("SELECT _hlc FROM peersync.m_users");
            assertThat(hlc).isGreaterThan(previous);
            previous = hlc;
        }
        assertThat(previous >>> 16).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        assertThat(a.store.currentHlc()).isGreaterThanOrEqualTo(previous);
    }

    private ChangeBatch pull(String cursor, int max) {
        return a.store.readChanges(puller, new PullRequest(List.of("users"), cursor, max));
    }

    private List<RowChange> drain(String cursor) {
        return drain(cursor, 100);
    }

    private List<RowChange> drain(String cursor, int max) {
        List<RowChange> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ChangeBatch batch = pull(cursor, max);
            all.addAll(batch.changes());
            cursor = batch.nextCursor();
            if (!batch.hasMore() && batch.changes().isEmpty()) {
                return all;
            }
        }
        throw new AssertionError("feed did not end; rows so far: " + all.size());
    }
}
