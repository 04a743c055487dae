package dev.peersync.store.postgres.internal;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Versioned migrations of sync-core's own tables ({@code db/peersync/V*.sql}), with Flyway and a history table of
 * their own ({@code <schema>.peersync_schema_history}), as node-app does for its tables: an upgraded sync-core
 * brings an existing database to its layout at start. A database created before the migrations existed has the
 * tables but no history: it is baselined at version 0, and version 1, written to be idempotent, completes whatever
 * older layout it has. Flyway's own lock makes nodes starting at once on one database migrate it once.
 */
final class SchemaMigrations {
    static final String HISTORY = "peersync_schema_history";

    private SchemaMigrations() {
    }

    static void migrate(DataSource dataSource, String schema) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .createSchemas(true)
                .table(HISTORY)
                .locations("classpath:db/peersync")
                .placeholders(java.util.Map.of("schema", Sql.ident(schema)))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
