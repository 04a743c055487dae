package dev.peersync.node.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
    @TempDir
    Path dataDir;

    @Test
    void data_and_generated_name_survive_a_restart() throws Exception {
        String name = NodeNames.forEmbedded(dataDir, 8000);
        Path pg = dataDir.resolve(name).resolve("pg");
        try (NodeDatabase db = NodeDatabase.embedded(pg, 0, name)) {
            NodeSchema.migrate(db.dataSource());
            assertThat(NodeNames.reconcile(new NodeSettings(db.dataSource()), Optional.empty(), name)).isEqualTo(name);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('still here')");
            }
        }

        assertThat(NodeNames.forEmbedded(dataDir, 8000)).isEqualTo(name);
        assertThat(NodeNames.forEmbedded(dataDir, 8010)).isNotEqualTo(name);
        try (NodeDatabase db = NodeDatabase.embedded(pg, 0, name)) {
            NodeSchema.migrate(db.dataSource());
            assertThat(NodeNames.reconcile(new NodeSettings(db.dataSource()), Optional.empty(), "other"))
                    .isEqualTo(name);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("still here");
            }
        }
    }

    @Test
    void a_configured_name_replaces_the_stored_one() throws Exception {
        Path pg = dataDir.resolve("n1").resolve("pg");
        try (NodeDatabase db = NodeDatabase.embedded(pg, 0, "n1")) {
            NodeSchema.migrate(db.dataSource());
            NodeSettings settings = new NodeSettings(db.dataSource());
            NodeNames.reconcile(settings, Optional.empty(), "first");

            assertThat(NodeNames.reconcile(settings, Optional.of("renamed"), "ignored")).isEqualTo("renamed");
            assertThat(settings.get(NodeSettings.NODE_NAME)).contains("renamed");
        }
    }
}
