package dev.peersync.review.internal.reviews;

import dev.peersync.review.internal.auth.Principal;
import dev.peersync.review.internal.data.Sql;
import dev.peersync.review.ApiException;
import dev.peersync.review.internal.web.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for {@code reviews}. */
public final class ReviewRepository {
    private static final String SELECT = """
            SELECT r.id, r.product_id, r.user_id, u.username, r.rating, r.title, r.body, r.created_at, r.updated_at
            FROM reviews r LEFT JOIN users u ON u.id = r.user_id
            """;
    private static final RowMapper<ReviewView> VIEW = (rs, ctx) -> new ReviewView(Sql.uuid(rs, "id"),
            Sql.uuid(rs, "product_id"), Sql.uuid(rs, "user_id"), rs.getString("username"), rs.getInt("rating"),
            rs.getString("title"), rs.getString("body"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));

    /** The values a client sets. */
    public record Input(int rating, String title, String body) {
    }

    /** Inserts; a second review of the product by the same user fails on reviews_user_product_key (409). */
    public UUID insert(Handle handle, UUID productId, UUID userId, Input input, Instant now) {
        UUID id = UUID.randomUUID();
        handle.createUpdate("""
                        INSERT INTO reviews (id, product_id, user_id, rating, title, body, created_at, updated_at)
                        VALUES (:id, :productId, :userId, :rating, :title, :body, :now, :now)""")
                .bind("id", id).bind("productId", productId).bind("userId", userId).bindMethods(input)
                .bind("now", Sql.utc(now))
                .execute();
        return id;
    }

    public void update(Handle handle, UUID id, Input input, Instant now) {
        handle.createUpdate("UPDATE reviews SET rating = :rating, title = :title, body = :body, updated_at = :now "
                        + "WHERE id = :id")
                .bind("id", id).bindMethods(input).bind("now", Sql.utc(now))
                .execute();
    }

    public void delete(Handle handle, UUID id) {
        handle.createUpdate("DELETE FROM reviews WHERE id = :id").bind("id", id).execute();
    }

    public Optional<ReviewView> find(Handle handle, UUID id) {
        return handle.createQuery(SELECT + " WHERE r.id = :id").bind("id", id).map(VIEW).findOne();
    }

    /**
     * The review, its row locked for the rest of the transaction, when {@code principal} wrote it or is an admin:
     * 404 when it does not exist, 403 otherwise.
     */
    public ReviewView findOwnLocked(Handle handle, UUID id, Principal principal) {
        UUID author = handle.createQuery("SELECT user_id FROM reviews WHERE id = :id FOR UPDATE").bind("id", id)
                .mapTo(UUID.class).findOne()
                .orElseThrow(() -> ApiException.notFound("review", id));
        if (!principal.admin() && !author.equals(principal.userId())) {
            throw ApiException.forbidden("only the author of review " + id + " or an admin may change it or its "
                    + "media");
        }
        return find(handle, id).orElseThrow();
    }

    public List<ReviewView> listForProduct(Handle handle, UUID productId, PageRequest page) {
        return handle.createQuery(SELECT + " WHERE r.product_id = :productId ORDER BY r.created_at DESC, r.id"
                        + " LIMIT :limit OFFSET :offset")
                .bind("productId", productId).bind("limit", page.limit()).bind("offset", page.offset())
                .map(VIEW).list();
    }

    public long countForProduct(Handle handle, UUID productId) {
        return handle.createQuery("SELECT count(*) FROM reviews WHERE product_id = :productId")
                .bind("productId", productId).mapTo(Long.class).one();
    }
}
