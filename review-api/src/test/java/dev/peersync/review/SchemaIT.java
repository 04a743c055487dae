package dev.peersync.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.testing.PostgresExtension;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schema keeps the invariants replication relies on (see the migration's header). */
class SchemaIT {
    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.perClass();

    private Jdbi migrated() {
        DataSource dataSource = pg.database().dataSource();
        ReviewDatabase.migrate(dataSource);
        return Jdbi.create(dataSource);
    }

    @Test
    void migrating_twice_applies_nothing_the_second_time() {
        migrated();

        assertThat(ReviewDatabase.migrate(pg.database().dataSource())).isZero();
    }

    @Test
    void the_application_tables_are_exactly_the_listed_ones() {
        List<String> tables = migrated().withHandle(h -> h.createQuery("""
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = 'public' AND table_name <> 'flyway_schema_history'""")
                .mapTo(String.class).list());

        assertThat(tables).containsExactlyInAnyOrderElementsOf(ReviewDatabase.TABLES);
    }

    @Test
    void every_table_has_an_application_chosen_uuid_key_and_timestamps() {
        Jdbi jdbi = migrated();
        for (String table : ReviewDatabase.TABLES) {
            List<Map<String, Object>> key = jdbi.withHandle(h -> h.createQuery("""
                    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
                    FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                    WHERE i.indrelid = CAST(:table AS regclass) AND i.indisprimary""")
                    .bind("table", table).mapToMap().list());
            assertThat(key).as(table).containsExactly(Map.of("name", "id", "type", "uuid"));
            List<String> timestamps = jdbi.withHandle(h -> h.createQuery("""
                    SELECT column_name FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name = :table
                      AND column_name IN ('created_at', 'updated_at') AND data_type = 'timestamp with time zone'
                      AND is_nullable = 'NO'""")
                    .bind("table", table).mapTo(String.class).list());
            assertThat(timestamps).as(table).containsExactlyInAnyOrder("created_at", "updated_at");
        }
    }

    @Test
    void no_column_has_a_database_default_or_a_sequence() {
        Jdbi jdbi = migrated();

        List<String> defaulted = jdbi.withHandle(h -> h.createQuery("""
                SELECT table_name || '.' || column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name <> 'flyway_schema_history'
                  AND (column_default IS NOT NULL OR is_identity = 'YES')""").mapTo(String.class).list());
        List<String> sequences = jdbi.withHandle(h -> h.createQuery(
                "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'")
                .mapTo(String.class).list());

        assertThat(defaulted).isEmpty();
        assertThat(sequences).isEmpty();
    }

    @Test
    void foreign_keys_have_the_delete_actions_replication_expects() {
        List<String> keys = migrated().withHandle(h -> h.createQuery("""
                SELECT conrelid::regclass || '.' || a.attname || ' -> ' || confrelid::regclass || ' '
                       || CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE confdeltype::text END
                FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace""").mapTo(String.class).list());

        assertThat(keys).containsExactlyInAnyOrder(
                "categories.parent_id -> categories SET NULL",
                "products.category_id -> categories SET NULL",
                "reviews.product_id -> products CASCADE",
                "reviews.user_id -> users CASCADE",
                "product_images.product_id -> products CASCADE",
                "review_media.review_id -> reviews CASCADE");
    }
}
