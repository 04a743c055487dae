package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * sync-core upgrades its own tables with versioned migrations (Flyway, history in
 * {@code peersync.peersync_schema_history}): a new database gets every version; a database created by an earlier
 * layout, before the migrations existed, is baselined and brought to the current layout with its data kept.
 */
class SchemaMigrationIT {
    private static final UUID OLD_NODE = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final UUID OLD_PEER = UUID.fromString("99999999-8888-7777-6666-555555555555");
    /** The fixed tables as an older sync-core created them: no receipts key, no holds flag, no column versions. */
    private static final String PREVIOUS_LAYOUT = """
            CREATE SCHEMA peersync;
            CREATE TABLE peersync.node (id int PRIMARY KEY CHECK (id = 1), node_id uuid NOT NULL,
                bucket_count int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO peersync.node (id, node_id, bucket_count) VALUES (1, '%s', 1024);
            CREATE TABLE peersync.config (id int PRIMARY KEY CHECK (id = 1), clock_offset_ms bigint NOT NULL DEFAULT 0);
            CREATE SEQUENCE peersync.hlc_seq;
            CREATE TABLE peersync.peer_cursor (peer uuid PRIMARY KEY, cursor text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO peersync.peer_cursor (peer, cursor) VALUES ('%s', 'v1|%s|1:1:|5:5:|5|0');
            CREATE TABLE peersync.parked (tbl text NOT NULL, pk text NOT NULL, hlc bigint NOT NULL, origin uuid NOT NULL,
                deleted boolean NOT NULL, data jsonb, reason text NOT NULL, attempts int NOT NULL DEFAULT 1,
                parked_at timestamptz NOT NULL DEFAULT now(), peer uuid NOT NULL, PRIMARY KEY (tbl, pk));
            """.formatted(OLD_NODE, OLD_PEER, OLD_PEER);

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void a_new_database_gets_every_version() {
        TestNode node = nodes.create("migrate_new");
        assertThat(history(node)).containsExactly("1 tables", "2 gc grace", "3 synced columns", "4 incarnation",
                "5 apply gate");
    }

    @Test
    void a_database_of_an_earlier_layout_is_upgraded_and_keeps_its_identity_and_cursors() {
        TestNode node = nodes.create("migrate_old", StoreSettings.of(TestNode.TABLES),
                TestNode.SCHEMA + PREVIOUS_LAYOUT);

        assertThat(node.id().value()).as("the node keeps its id").isEqualTo(OLD_NODE);
        assertThat(history(node)).containsExactly("0 << Flyway Baseline >>", "1 tables", "2 gc grace", "3 synced columns",
                "4 incarnation", "5 apply gate");
        assertThat(node.rows("SELECT peer, holds FROM peersync.peer_cursor"))
                .containsExactly(Map.of("peer", OLD_PEER, "holds", true));
        assertThat(node.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'peersync'"
                + " AND (table_name, column_name) IN (('node', 'cursor_key'), ('parked', 'cv'), ('parked', 'phlc'))"))
                .isEqualTo(3);
        assertThat(node.count("SELECT count(*) FROM peersync.node WHERE cursor_key IS NOT NULL")).isEqualTo(1);
        assertThat(node.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'peersync'"
                + " AND table_name IN ('peer_expired', 'gc_horizon', 'conflicts', 'truncations')")).isEqualTo(4);

        // And it works: a write is captured.
        node.sql("INSERT INTO users VALUES (?, 'after-upgrade', now())", UUID.randomUUID());
        assertThat(node.count("SELECT count(*) FROM peersync.m_users")).isEqualTo(1);
    }

    private static List<String> history(TestNode node) {
        return node.rows("SELECT version, description FROM peersync.peersync_schema_history WHERE success AND version IS NOT NULL"
                        + " ORDER BY installed_rank").stream()
                .map(r -> r.get("version") + " " + r.get("description")).toList();
    }
}
