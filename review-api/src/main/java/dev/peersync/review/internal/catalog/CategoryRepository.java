package dev.peersync.review.internal.catalog;

import dev.peersync.review.internal.data.Sql;
import dev.peersync.review.internal.web.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for {@code categories}. */
public final class CategoryRepository {
    private static final String COLUMNS = "id, name, description, parent_id, created_at, updated_at";
    private static final RowMapper<CategoryView> VIEW = (rs, ctx) -> new CategoryView(Sql.uuid(rs, "id"),
            rs.getString("name"), rs.getString("description"), Sql.uuid(rs, "parent_id"),
            Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));

    /** The values a client sets. */
    public record Input(String name, String description, UUID parentId) {
    }

    public CategoryView insert(Handle handle, Input input, Instant now) {
        UUID id = UUID.randomUUID();
        handle.createUpdate("""
                        INSERT INTO categories (id, name, description, parent_id, created_at, updated_at)
                        VALUES (:id, :name, :description, :parentId, :now, :now)""")
                .bind("id", id).bindMethods(input).bind("now", Sql.utc(now))
                .execute();
        return new CategoryView(id, input.name(), input.description(), input.parentId(), now, now);
    }

    public CategoryView update(Handle handle, CategoryView current, Input input, Instant now) {
        handle.createUpdate("""
                        UPDATE categories SET name = :name, description = :description, parent_id = :parentId,
                        updated_at = :now WHERE id = :id""")
                .bind("id", current.id()).bindMethods(input).bind("now", Sql.utc(now))
                .execute();
        return new CategoryView(current.id(), input.name(), input.description(), input.parentId(),
                current.createdAt(), now);
    }

    public boolean delete(Handle handle, UUID id) {
        return handle.createUpdate("DELETE FROM categories WHERE id = :id").bind("id", id).execute() > 0;
    }

    public Optional<CategoryView> find(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM categories WHERE id = :id")
                .bind("id", id).map(VIEW).findOne();
    }

    /** Locks the row so concurrent updates of one category apply one after the other. */
    public Optional<CategoryView> findForUpdate(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM categories WHERE id = :id FOR UPDATE")
                .bind("id", id).map(VIEW).findOne();
    }

    public boolean exists(Handle handle, UUID id) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM categories WHERE id = :id)")
                .bind("id", id).mapTo(Boolean.class).one();
    }

    /** True when {@code candidate} is {@code id} or one of its descendants (making it the parent would loop). */
    public boolean isSelfOrDescendant(Handle handle, UUID id, UUID candidate) {
        return handle.createQuery("""
                        WITH RECURSIVE ancestors(id, parent_id, depth) AS (
                            SELECT id, parent_id, 0 FROM categories WHERE id = :candidate
                            UNION ALL
                            SELECT c.id, c.parent_id, a.depth + 1 FROM categories c
                            JOIN ancestors a ON c.id = a.parent_id WHERE a.depth < 1000
                        )
                        SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = :id)""")
                .bind("id", id).bind("candidate", candidate).mapTo(Boolean.class).one();
    }

    public List<CategoryView> list(Handle handle, UUID parentId, PageRequest page) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM categories"
                        + (parentId == null ? "" : " WHERE parent_id = :parentId")
                        + " ORDER BY name, id LIMIT :limit OFFSET :offset")
                .bind("parentId", parentId).bind("limit", page.limit()).bind("offset", page.offset())
                .map(VIEW).list();
    }

    public long count(Handle handle, UUID parentId) {
        return handle.createQuery("SELECT count(*) FROM categories"
                        + (parentId == null ? "" : " WHERE parent_id = :parentId"))
                .bind("parentId", parentId).mapTo(Long.class).one();
    }
}
