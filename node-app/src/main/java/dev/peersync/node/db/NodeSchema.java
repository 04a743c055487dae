package dev.peersync.node.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Creates and upgrades node-app's own tables: schema {@code node_app}, with its own Flyway history table. */
public final class NodeSchema {
    private NodeSchema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("node_app")
                .createSchemas(true)
                .table("node_app_schema_history")
                .locations("classpath:db/node-app")
                .load()
                .migrate();
    }
}
