package dev.peersync.review.internal.reviews;

import dev.peersync.review.Problems;
import static dev.peersync.review.internal.web.Page.SNAPSHOT;

import dev.peersync.review.internal.activity.AuditedWrites;
import dev.peersync.review.internal.auth.Authenticator;
import dev.peersync.review.internal.auth.Principal;
import dev.peersync.review.internal.catalog.ProductRepository;
import dev.peersync.review.ApiException;
import dev.peersync.review.internal.web.JsonBodies;
import dev.peersync.review.internal.web.JsonBody;
import dev.peersync.review.internal.web.Page;
import dev.peersync.review.internal.web.PageRequest;
import dev.peersync.review.internal.web.Params;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Reviews of products: one per user and product; only the author may change or delete one. */
public final class ReviewRoutes {
    private final Jdbi jdbi;
    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final AuditedWrites writes;
    private final ReviewRepository reviews = new ReviewRepository();
    private final ProductRepository products = new ProductRepository();

    public ReviewRoutes(Jdbi jdbi, JsonBodies bodies, Authenticator authenticator, AuditedWrites writes) {
        this.jdbi = jdbi;
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.writes = writes;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/products/{id}/reviews", this::listForProduct);
        routes.post("/api/v1/products/{id}/reviews", this::create);
        routes.get("/api/v1/reviews/{id}", this::get);
        routes.put("/api/v1/reviews/{id}", ctx -> update(ctx, false));
        routes.patch("/api/v1/reviews/{id}", ctx -> update(ctx, true));
        routes.delete("/api/v1/reviews/{id}", this::delete);
    }

    private void listForProduct(Context ctx) {
        UUID productId = Params.pathUuid(ctx, "id");
        PageRequest page = Params.page(ctx);
        ctx.json(jdbi.inTransaction(SNAPSHOT, handle -> {
            if (!products.exists(handle, productId)) {
                throw ApiException.notFound("product", productId);
            }
            return Page.of(reviews.listForProduct(handle, productId, page), reviews.countForProduct(handle, productId),
                    page);
        }));
    }

    private void get(Context ctx) {
        UUID id = Params.pathUuid(ctx, "id");
        ctx.json(jdbi.withHandle(handle -> reviews.find(handle, id))
                .orElseThrow(() -> ApiException.notFound("review", id)));
    }

    private void create(Context ctx) {
        Principal principal = authenticator.require(ctx);
        principal.requireUser("write a review");
        UUID productId = Params.pathUuid(ctx, "id");
        ReviewRepository.Input input = validate(bodies.read(ctx));
        ReviewView created = writes.run(principal.userId(), "create", "review", (handle, now) -> {
            if (!products.exists(handle, productId)) {
                throw ApiException.notFound("product", productId);
            }
            UUID id = reviews.insert(handle, productId, principal.userId(), input, now);
            return reviews.find(handle, id).orElseThrow();
        });
        Problems.created(ctx, "/api/v1/reviews/" + created.id(), created);
    }

    private void update(Context ctx, boolean partial) {
        Principal principal = authenticator.require(ctx);
        UUID id = Params.pathUuid(ctx, "id");
        JsonBody body = bodies.read(ctx);
        ctx.json(writes.run(principal.userId(), "update", "review", (handle, now) -> {
            ReviewView current = reviews.findOwnLocked(handle, id, principal);
            reviews.update(handle, id, validate(partial ? bodies.patched(body, current) : body), now);
            return reviews.find(handle, id).orElseThrow();
        }));
    }

    private void delete(Context ctx) {
        Principal principal = authenticator.require(ctx);
        UUID id = Params.pathUuid(ctx, "id");
        writes.run(principal.userId(), "delete", "review", (handle, now) -> {
            ReviewView current = reviews.findOwnLocked(handle, id, principal);
            reviews.delete(handle, id);
            return current;
        });
        ctx.status(204);
    }

    private static ReviewRepository.Input validate(JsonBody body) {
        Integer rating = body.integer("rating", true, 1, 5);
        String title = body.text("title", true, 1, 200);
        String text = body.text("body", false, 0, 10_000);
        body.errors().throwIfAny();
        return new ReviewRepository.Input(rating, title, text);
    }
}
