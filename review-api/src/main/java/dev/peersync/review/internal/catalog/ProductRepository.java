package dev.peersync.review.internal.catalog;

import dev.peersync.review.internal.data.Sql;
import dev.peersync.review.internal.web.PageRequest;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;

/** SQL for {@code products}, with the rating aggregates computed from {@code reviews} at read time. */
public final class ProductRepository {
    private static final String SELECT = """
            SELECT p.id, p.name, p.description, p.price, p.category_id, %s AS sku, p.created_at, p.updated_at,
                   s.average_rating, s.review_count
            FROM products p
            CROSS JOIN LATERAL (
                SELECT round(avg(r.rating), 2) AS average_rating, count(*) AS review_count
                FROM reviews r WHERE r.product_id = p.id
            ) s
            """;
    private static final RowMapper<ProductView> VIEW = (rs, ctx) -> new ProductView(Sql.uuid(rs, "id"),
            rs.getString("name"), rs.getString("description"), rs.getBigDecimal("price"), Sql.uuid(rs, "category_id"),
            rs.getString("sku"), rs.getBigDecimal("average_rating"), rs.getLong("review_count"),
            Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));

    /** The values a client sets; {@code sku} only where {@link #hasSku} (null otherwise). */
    public record Input(String name, String description, BigDecimal price, UUID categoryId, String sku) {
    }

    /**
     * Whether this database has {@code products.sku}: a site migration adds it (issue 18's rolling upgrade), node by
     * node, so the API reads and writes it where it exists and refuses it elsewhere. Asked in the request's own
     * transaction: one catalog lookup, always current.
     */
    public boolean hasSku(Handle handle) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'products'::regclass"
                + " AND attname = 'sku' AND attnum > 0 AND NOT attisdropped)").mapTo(Boolean.class).one();
    }

    public UUID insert(Handle handle, Input input, Instant now) {
        UUID id = UUID.randomUUID();
        boolean sku = hasSku(handle);
        handle.createUpdate("INSERT INTO products (id, name, description, price, category_id, created_at, updated_at"
                        + (sku ? ", sku" : "") + ") VALUES (:id, :name, :description, :price, :categoryId, :now, :now"
                        + (sku ? ", :sku" : "") + ")")
                .bind("id", id).bindMethods(input).bind("now", Sql.utc(now))
                .execute();
        return id;
    }

    public void update(Handle handle, UUID id, Input input, Instant now) {
        handle.createUpdate("UPDATE products SET name = :name, description = :description, price = :price,"
                        + " category_id = :categoryId, updated_at = :now" + (hasSku(handle) ? ", sku = :sku" : "")
                        + " WHERE id = :id")
                .bind("id", id).bindMethods(input).bind("now", Sql.utc(now))
                .execute();
    }

    private String select(Handle handle) {
        return SELECT.formatted(hasSku(handle) ? "p.sku" : "NULL::text");
    }

    public void delete(Handle handle, UUID id) {
        handle.createUpdate("DELETE FROM products WHERE id = :id").bind("id", id).execute();
    }

    public Optional<ProductView> find(Handle handle, UUID id) {
        return handle.createQuery(select(handle) + " WHERE p.id = :id").bind("id", id).map(VIEW).findOne();
    }

    /** Locks the product row (so concurrent writes to one product apply one after the other). */
    public boolean lock(Handle handle, UUID id) {
        return handle.createQuery("SELECT id FROM products WHERE id = :id FOR UPDATE").bind("id", id)
                .mapTo(UUID.class).findOne().isPresent();
    }

    /** The product, its row locked for the rest of the transaction; empty when there is none. */
    public Optional<ProductView> findLocked(Handle handle, UUID id) {
        return lock(handle, id) ? find(handle, id) : Optional.empty();
    }

    public boolean exists(Handle handle, UUID id) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM products WHERE id = :id)")
                .bind("id", id).mapTo(Boolean.class).one();
    }

    public List<ProductView> list(Handle handle, ProductQuery query, PageRequest page) {
        return bindFilters(handle.createQuery(select(handle) + where(query) + " ORDER BY " + query.orderBy()
                        + " LIMIT :limit OFFSET :offset"), query)
                .bind("limit", page.limit()).bind("offset", page.offset())
                .map(VIEW).list();
    }

    public long count(Handle handle, ProductQuery query) {
        return bindFilters(handle.createQuery("SELECT count(*) FROM products p" + where(query)), query)
                .mapTo(Long.class).one();
    }

    private static String where(ProductQuery query) {
        StringBuilder where = new StringBuilder(" WHERE true");
        if (query.categoryId() != null) {
            where.append(" AND p.category_id = :categoryId");
        }
        if (query.text() != null) {
            where.append(" AND (p.name ILIKE :pattern ESCAPE '!' OR p.description ILIKE :pattern ESCAPE '!')");
        }
        if (query.minPrice() != null) {
            where.append(" AND p.price >= :minPrice");
        }
        if (query.maxPrice() != null) {
            where.append(" AND p.price <= :maxPrice");
        }
        return where.toString();
    }

    private static <S extends SqlStatement<S>> S bindFilters(S statement, ProductQuery query) {
        return statement.bind("categoryId", query.categoryId())
                .bind("pattern", query.text() == null ? null : Sql.likeContains(query.text()))
                .bind("minPrice", query.minPrice())
                .bind("maxPrice", query.maxPrice());
    }
}
