package dev.peersync.review.internal.users;

import dev.peersync.review.internal.data.Sql;
import dev.peersync.review.internal.web.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for {@code users}. */
public final class UserRepository {
    private static final String COLUMNS = "id, username, email, coalesce(is_admin, false) AS is_admin, created_at,"
            + " updated_at, coalesce(renamed_by_conflict, false) AS renamed_by_conflict";
    private static final RowMapper<UserView> VIEW = (rs, ctx) -> new UserView(Sql.uuid(rs, "id"),
            rs.getString("username"), rs.getString("email"), rs.getBoolean("is_admin"),
            Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"), rs.getBoolean("renamed_by_conflict"));

    /** The fields login needs. */
    public record Credentials(UUID id, String username, String passwordHash) {
    }

    /** Inserts a user; a taken username or email fails on the unique constraints (mapped to 409). */
    public UserView insert(Handle handle, UUID id, String username, String email, String passwordHash, Instant now) {
        handle.createUpdate("""
                        INSERT INTO users (id, username, email, password_hash, created_at, updated_at)
                        VALUES (:id, :username, :email, :hash, :now, :now)""")
                .bind("id", id).bind("username", username).bind("email", email).bind("hash", passwordHash)
                .bind("now", Sql.utc(now))
                .execute();
        return new UserView(id, username, email, false, now, now, false);
    }

    /**
     * Sets the username and email (null: unchanged) and clears the rename flag; a taken value fails on the unique
     * constraints (409). Empty when the user is not here.
     */
    public Optional<UserView> updateIdentity(Handle handle, UUID id, String username, String email, Instant now) {
        return handle.createQuery("UPDATE users SET username = coalesce(:username, username),"
                        + " email = coalesce(:email, email), renamed_by_conflict = false, updated_at = :now"
                        + " WHERE id = :id RETURNING " + COLUMNS)
                .bind("id", id).bind("username", username).bind("email", email).bind("now", Sql.utc(now))
                .map(VIEW).findOne();
    }

    /**
     * The account named {@code username}, then the accounts the sync renamed from it ({@code twin-xxxxxx-username},
     * see V3): their owners still sign in with the name they registered.
     */
    public List<Credentials> credentials(Handle handle, String username) {
        return handle.createQuery("SELECT id, username, password_hash FROM users WHERE username = :username"
                        + " OR (renamed_by_conflict AND username LIKE 'twin-______-' || :pattern ESCAPE '\\')"
                        + " ORDER BY username = :username DESC, username LIMIT 5")
                .bind("username", username).bind("pattern", username.replace("\\", "\\\\").replace("%", "\\%")
                        .replace("_", "\\_"))
                .map((rs, ctx) -> new Credentials(Sql.uuid(rs, "id"), rs.getString("username"),
                        rs.getString("password_hash")))
                .list();
    }

    public Optional<UserView> find(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id).map(VIEW).findOne();
    }

    public List<UserView> list(Handle handle, PageRequest page) {
        return handle.createQuery("SELECT " + COLUMNS
                        + " FROM users ORDER BY created_at, id LIMIT :limit OFFSET :offset")
                .bind("limit", page.limit()).bind("offset", page.offset())
                .map(VIEW).list();
    }

    /** Whether the user holds the admin role (false for an unknown user). */
    public boolean isAdmin(Handle handle, UUID id) {
        return handle.createQuery("SELECT coalesce(is_admin, false) FROM users WHERE id = :id").bind("id", id)
                .mapTo(Boolean.class).findOne().orElse(false);
    }

    /** Grants or revokes the admin role; false when there is no such user. */
    public boolean setAdmin(Handle handle, UUID id, boolean admin, Instant now) {
        return handle.createUpdate("UPDATE users SET is_admin = :admin, updated_at = :now WHERE id = :id")
                .bind("admin", admin).bind("now", Sql.utc(now)).bind("id", id).execute() == 1;
    }

    public long count(Handle handle) {
        return handle.createQuery("SELECT count(*) FROM users").mapTo(Long.class).one();
    }
}
