package dev.peersync.review.internal.catalog;

import dev.peersync.review.Problems;
import static dev.peersync.review.internal.web.Page.SNAPSHOT;

import dev.peersync.review.internal.activity.AuditedWrites;
import dev.peersync.review.internal.auth.Authenticator;
import dev.peersync.review.internal.auth.Principal;
import dev.peersync.review.internal.data.Sql;
import dev.peersync.review.ApiException;
import dev.peersync.review.internal.web.JsonBodies;
import dev.peersync.review.internal.web.JsonBody;
import dev.peersync.review.internal.web.Page;
import dev.peersync.review.internal.web.PageRequest;
import dev.peersync.review.internal.web.Params;
import dev.peersync.review.internal.web.Urls;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@code /api/v1/products/{id}/images}: images of a product, ordered by position. */
public final class ProductImageRoutes {
    private static final String COLUMNS = "id, product_id, url, alt_text, position, created_at, updated_at";
    private static final RowMapper<ProductImageView> VIEW = (rs, ctx) -> new ProductImageView(Sql.uuid(rs, "id"),
            Sql.uuid(rs, "product_id"), rs.getString("url"), rs.getString("alt_text"), rs.getInt("position"),
            Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));

    private final Jdbi jdbi;
    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final AuditedWrites writes;
    private final ProductRepository products = new ProductRepository();

    public ProductImageRoutes(Jdbi jdbi, JsonBodies bodies, Authenticator authenticator, AuditedWrites writes) {
        this.jdbi = jdbi;
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.writes = writes;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/products/{id}/images", this::list);
        routes.post("/api/v1/products/{id}/images", this::create);
        routes.delete("/api/v1/products/{id}/images/{image_id}", this::delete);
    }

    private void list(Context ctx) {
        UUID productId = Params.pathUuid(ctx, "id");
        PageRequest page = Params.page(ctx);
        ctx.json(jdbi.inTransaction(SNAPSHOT, handle -> {
            if (!products.exists(handle, productId)) {
                throw ApiException.notFound("product", productId);
            }
            long total = handle.createQuery("SELECT count(*) FROM product_images WHERE product_id = :productId")
                    .bind("productId", productId).mapTo(Long.class).one();
            return Page.of(handle.createQuery("SELECT " + COLUMNS + " FROM product_images WHERE product_id = :productId"
                            + " ORDER BY position, created_at, id LIMIT :limit OFFSET :offset")
                    .bind("productId", productId).bind("limit", page.limit()).bind("offset", page.offset())
                    .map(VIEW).list(), total, page);
        }));
    }

    private void create(Context ctx) {
        Principal principal = authenticator.require(ctx);
        UUID productId = Params.pathUuid(ctx, "id");
        JsonBody body = bodies.read(ctx);
        String url = Urls.httpUrl(body, "url");
        String altText = body.text("alt_text", false, 0, 1000);
        Integer position = body.integer("position", false, 0, 1_000_000);
        body.errors().throwIfAny();
        ProductImageView created = writes.run(principal.userId(), "create", "product_image", (handle, now) -> {
            if (!products.lock(handle, productId)) {
                throw ApiException.notFound("product", productId);
            }
            int at = position != null ? position : nextPosition(handle, productId);
            ProductImageView view = new ProductImageView(UUID.randomUUID(), productId, url, altText, at, now, now);
            handle.createUpdate("""
                            INSERT INTO product_images (id, product_id, url, alt_text, position, created_at, updated_at)
                            VALUES (:id, :productId, :url, :altText, :position, :now, :now)""")
                    .bindMethods(view).bind("now", Sql.utc(now))
                    .execute();
            Creators.PRODUCT_IMAGES.record(handle, view.id(), principal.userId());
            return view;
        });
        Problems.created(ctx, "/api/v1/products/" + created.productId() + "/images/" + created.id(), created);
    }

    private static int nextPosition(Handle handle, UUID productId) {
        return handle.createQuery(
                        "SELECT coalesce(max(position) + 1, 0) FROM product_images WHERE product_id = :productId")
                .bind("productId", productId).mapTo(Integer.class).one();
    }

    private void delete(Context ctx) {
        Principal principal = authenticator.require(ctx);
        UUID productId = Params.pathUuid(ctx, "id");
        UUID imageId = Params.pathUuid(ctx, "image_id");
        writes.run(principal.userId(), "delete", "product_image", (handle, now) -> {
            ProductImageView image = handle.createQuery("SELECT " + COLUMNS
                            + " FROM product_images WHERE id = :id AND product_id = :productId FOR UPDATE")
                    .bind("id", imageId).bind("productId", productId).map(VIEW).findOne()
                    .orElseThrow(() -> ApiException.notFound("image", imageId + " of product " + productId));
            principal.requireOwnerOrAdmin(Creators.PRODUCT_IMAGES.of(handle, imageId).orElse(null),
                    "image " + imageId);
            handle.createUpdate("DELETE FROM product_images WHERE id = :id").bind("id", imageId).execute();
            return image;
        });
        ctx.status(204);
    }
}
