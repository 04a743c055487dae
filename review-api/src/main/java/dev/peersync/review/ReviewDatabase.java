package dev.peersync.review;

import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** The review API's schema, managed by Flyway (scripts in {@code db/migration} on the classpath). */
public final class ReviewDatabase {
    public static final String MIGRATIONS_LOCATION = "classpath:db/migration";

    /**
     * The application tables, parents before children. All of them are meant to be synced; Flyway's own
     * {@code flyway_schema_history} is not in this list and must stay local to each node.
     */
    public static final List<String> TABLES = List.of(
            "users", "categories", "products", "reviews", "product_images", "review_media", "activity_logs");

    /**
     * Unique constraints whose collisions across nodes (the same username or email registered on two nodes) are
     * settled by renaming the later account, as {@code (table, constraint)}; {@link #RENAMED_FLAG} marks it.
     */
    public static final List<List<String>> RENAMED_ON_COLLISION = List.of(
            List.of("users", "users_username_key"), List.of("users", "users_email_key"));

    /** The column set on an account renamed by a collision ({@code users.renamed_by_conflict}). */
    public static final String RENAMED_FLAG = "renamed_by_conflict";

    private ReviewDatabase() {
    }

    /**
     * Brings the schema up to date. Safe on every start: applied migrations are skipped, and concurrent
     * starts against one database are serialised by Flyway's lock.
     *
     * @return the number of migrations applied by this call
     */
    public static int migrate(DataSource dataSource) {
        return migrate(dataSource, List.of());
    }

    /**
     * The same, then the migrations found in {@code siteLocations} (Flyway locations, e.g. {@code filesystem:/dir}):
     * a site's own columns and indexes, numbered after the review schema's (1000 and up), in one history.
     */
    public static int migrate(DataSource dataSource, List<String> siteLocations) {
        Objects.requireNonNull(dataSource, "dataSource");
        List<String> locations = new java.util.ArrayList<>(List.of(MIGRATIONS_LOCATION));
        locations.addAll(siteLocations);
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations(locations.toArray(new String[0]))
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
