package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.PullRequest;
import dev.peersync.core.spi.RowChange;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

class PgSyncStoreIT {
    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void tables_are_ordered_parents_first() {
        TestNode a = nodes.create("order");
        assertThat(a.store.tables()).containsExactly("users", "products", "reviews");
    }

    @Test
    void insert_update_delete_from_plain_sql_enter_the_feed() {
        TestNode a = nodes.create("capture");
        UUID u = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'ann', now())", u);
        ChangeBatch first = a.store.readChanges(UUID_PEER, new PullRequest(List.of("users"), "", 100));
        assertThat(first.changes()).hasSize(1);
        RowChange ins = first.changes().get(0);
        assertThat(ins.pk()).isEqualTo("[\"" + u + "\"]");
        assertThat(ins.origin()).isEqualTo(a.id());
        assertThat(ins.deleted()).isFalse();
        assertThat(ins.data()).contains("\"username\": \"ann\"");

        a.sql("UPDATE users SET username = 'anne' WHERE id = ?", u);
        ChangeBatch second = a.store.readChanges(UUID_PEER, new PullRequest(List.of("users"), first.nextCursor(), 100));
        assertThat(second.changes()).hasSize(1);
        assertThat(second.changes().get(0).hlc()).isGreaterThan(ins.hlc());
        assertThat(second.changes().get(0).data()).contains("anne");

        a.sql("DELETE FROM users WHERE id = ?", u);
        ChangeBatch third = a.store.readChanges(UUID_PEER, new PullRequest(List.of("users"), second.nextCursor(), 100));
        assertThat(third.changes()).singleElement().satisfies(c -> {
            assertThat(c.deleted()).isTrue();
            assertThat(c.data()).isNull();
            assertThat(c.hlc()).isGreaterThan(second.changes().get(0).hlc());
        });
        ChangeBatch none = a.store.readChanges(UUID_PEER, new PullRequest(List.of("users"), third.nextCursor(), 100));
        assertThat(none.changes()).isEmpty();
    }

    @Test
    void rows_replicate_to_another_node_and_digests_match() {
        TestNode a = nodes.create("repl_a");
        TestNode b = nodes.create("repl_b");
        UUID u = UUID.randomUUID();
        UUID p = UUID.randomUUID();
        a.sql("INSERT INTO users VALUES (?, 'ann', now())", u);
        a.sql("INSERT INTO products VALUES (?, 'lamp', 12.50, '{\"color\": \"red\"}', '{a,b}')", p);
        a.sql("INSERT INTO reviews (id, product_id, user_id, rating, title, body) VALUES (?, ?, ?, 4, 'ok', 'fine')",
                UUID.randomUUID(), p, u);
        assertThat(b.pullFrom(a)).isEqualTo(3);
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.digests()).isEqualTo(a.digests());

        a.sql("DELETE FROM products WHERE id = ?", p);
        b.pullFrom(a);
        assertThat(b.content()).isEqualTo(a.content());
        assertThat(b.count("SELECT count(*) FROM reviews")).isZero();
        assertThat(b.digests()).isEqualTo(a.digests());
    }

    private static final dev.peersync.core.NodeId UUID_PEER = dev.peersync.core.NodeId.random();
}
