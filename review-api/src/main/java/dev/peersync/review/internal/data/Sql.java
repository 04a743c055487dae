package dev.peersync.review.internal.data;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Column conversions shared by the repositories. */
public final class Sql {
    private Sql() {
    }

    /** Now, at the precision PostgreSQL stores (microseconds), so what we answer is what we stored. */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Binds an instant as {@code timestamptz} without going through the JVM's default time zone. */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    /**
     * A LIKE pattern matching {@code text} literally anywhere, for use with {@code ESCAPE '!'}
     * ('!' rather than a backslash, which Jdbi's SQL parser reads as escaping the closing quote).
     */
    public static String likeContains(String text) {
        return "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }
}
