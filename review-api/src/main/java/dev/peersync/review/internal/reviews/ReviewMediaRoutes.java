package dev.peersync.review.internal.reviews;

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
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@code /api/v1/reviews/{id}/media}: images and videos of a review; only its author may add or remove them. */
public final class ReviewMediaRoutes {
    private static final Set<String> MEDIA_TYPES = Set.of("image", "video");
    private static final String COLUMNS = "id, review_id, url, media_type, created_at, updated_at";
    private static final RowMapper<ReviewMediaView> VIEW = (rs, ctx) -> new ReviewMediaView(Sql.uuid(rs, "id"),
            Sql.uuid(rs, "review_id"), rs.getString("url"), rs.getString("media_type"), Sql.instant(rs, "created_at"),
            Sql.instant(rs, "updated_at"));

    private final Jdbi jdbi;
    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final AuditedWrites writes;
    private final ReviewRepository reviews = new ReviewRepository();

    public ReviewMediaRoutes(Jdbi jdbi, JsonBodies bodies, Authenticator authenticator, AuditedWrites writes) {
        this.jdbi = jdbi;
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.writes = writes;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/reviews/{id}/media", this::list);
        routes.post("/api/v1/reviews/{id}/media", this::create);
        routes.delete("/api/v1/reviews/{id}/media/{media_id}", this::delete);
    }

    private void list(Context ctx) {
        UUID reviewId = Params.pathUuid(ctx, "id");
        PageRequest page = Params.page(ctx);
        ctx.json(jdbi.inTransaction(SNAPSHOT, handle -> {
            boolean exists = handle.createQuery("SELECT EXISTS (SELECT 1 FROM reviews WHERE id = :id)")
                    .bind("id", reviewId).mapTo(Boolean.class).one();
            if (!exists) {
                throw ApiException.notFound("review", reviewId);
            }
            long total = handle.createQuery("SELECT count(*) FROM review_media WHERE review_id = :reviewId")
                    .bind("reviewId", reviewId).mapTo(Long.class).one();
            return Page.of(handle.createQuery("SELECT " + COLUMNS + " FROM review_media WHERE review_id = :reviewId"
                            + " ORDER BY created_at, id LIMIT :limit OFFSET :offset")
                    .bind("reviewId", reviewId).bind("limit", page.limit()).bind("offset", page.offset())
                    .map(VIEW).list(), total, page);
        }));
    }

    private void create(Context ctx) {
        Principal principal = authenticator.require(ctx);
        UUID reviewId = Params.pathUuid(ctx, "id");
        JsonBody body = bodies.read(ctx);
        String url = Urls.httpUrl(body, "url");
        String mediaType = body.string("media_type", true);
        if (mediaType != null) {
            body.errors().check(MEDIA_TYPES.contains(mediaType), "media_type", "must be 'image' or 'video'");
        }
        body.errors().throwIfAny();
        ReviewMediaView created = writes.run(principal.userId(), "create", "review_media", (handle, now) -> {
            reviews.findOwnLocked(handle, reviewId, principal);
            ReviewMediaView view = new ReviewMediaView(UUID.randomUUID(), reviewId, url, mediaType, now, now);
            handle.createUpdate("""
                            INSERT INTO review_media (id, review_id, url, media_type, created_at, updated_at)
                            VALUES (:id, :reviewId, :url, :mediaType, :now, :now)""")
                    .bindMethods(view).bind("now", Sql.utc(now))
                    .execute();
            return view;
        });
        Problems.created(ctx, "/api/v1/reviews/" + created.reviewId() + "/media/" + created.id(), created);
    }

    private void delete(Context ctx) {
        Principal principal = authenticator.require(ctx);
        UUID reviewId = Params.pathUuid(ctx, "id");
        UUID mediaId = Params.pathUuid(ctx, "media_id");
        writes.run(principal.userId(), "delete", "review_media", (handle, now) -> {
            reviews.findOwnLocked(handle, reviewId, principal);
            ReviewMediaView media = handle.createQuery("SELECT " + COLUMNS
                            + " FROM review_media WHERE id = :id AND review_id = :reviewId")
                    .bind("id", mediaId).bind("reviewId", reviewId).map(VIEW).findOne()
                    .orElseThrow(() -> ApiException.notFound("media", mediaId + " of review " + reviewId));
            handle.createUpdate("DELETE FROM review_media WHERE id = :id").bind("id", mediaId).execute();
            return media;
        });
        ctx.status(204);
    }
}
