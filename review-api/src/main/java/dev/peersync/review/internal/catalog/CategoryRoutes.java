package dev.peersync.review.internal.catalog;

import dev.peersync.review.Problems;
import static dev.peersync.review.internal.web.Page.SNAPSHOT;

import dev.peersync.review.internal.activity.AuditedWrites;
import dev.peersync.review.internal.auth.Authenticator;
import dev.peersync.review.internal.auth.Principal;
import dev.peersync.review.ApiException;
import dev.peersync.review.internal.web.JsonBodies;
import dev.peersync.review.internal.web.JsonBody;
import dev.peersync.review.internal.web.Page;
import dev.peersync.review.internal.web.PageRequest;
import dev.peersync.review.internal.web.Params;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** {@code /api/v1/categories}: a tree of categories (parent_id); any signed-in user may edit. */
public final class CategoryRoutes {
    private final Jdbi jdbi;
    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final AuditedWrites writes;
    private final CategoryRepository categories = new CategoryRepository();

    public CategoryRoutes(Jdbi jdbi, JsonBodies bodies, Authenticator authenticator, AuditedWrites writes) {
        this.jdbi = jdbi;
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.writes = writes;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/categories", this::list);
        routes.post("/api/v1/categories", this::create);
        routes.get("/api/v1/categories/{id}", this::get);
        routes.put("/api/v1/categories/{id}", ctx -> update(ctx, false));
        routes.patch("/api/v1/categories/{id}", ctx -> update(ctx, true));
        routes.delete("/api/v1/categories/{id}", this::delete);
    }

    private void list(Context ctx) {
        UUID parentId = Params.queryUuid(ctx, "parent_id");
        PageRequest page = Params.page(ctx);
        ctx.json(jdbi.inTransaction(SNAPSHOT, handle -> Page.of(categories.list(handle, parentId, page),
                categories.count(handle, parentId), page)));
    }

    private void get(Context ctx) {
        UUID id = Params.pathUuid(ctx, "id");
        ctx.json(jdbi.withHandle(handle -> categories.find(handle, id))
                .orElseThrow(() -> ApiException.notFound("category", id)));
    }

    private void create(Context ctx) {
        Principal principal = authenticator.require(ctx);
        JsonBody body = bodies.read(ctx);
        CategoryView created = writes.run(principal.userId(), "create", "category", (handle, now) -> {
            CategoryView inserted = categories.insert(handle, validate(handle, body, null), now);
            Creators.CATEGORIES.record(handle, inserted.id(), principal.userId());
            return inserted;
        });
        Problems.created(ctx, "/api/v1/categories/" + created.id(), created);
    }

    private void update(Context ctx, boolean partial) {
        Principal principal = authenticator.require(ctx);
        UUID id = Params.pathUuid(ctx, "id");
        JsonBody body = bodies.read(ctx);
        ctx.json(writes.run(principal.userId(), "update", "category", (handle, now) -> {
            CategoryView current = categories.findForUpdate(handle, id)
                    .orElseThrow(() -> ApiException.notFound("category", id));
            principal.requireOwnerOrAdmin(Creators.CATEGORIES.of(handle, id).orElse(null), "category " + id);
            CategoryRepository.Input input = validate(handle, partial ? bodies.patched(body, current) : body, id);
            return categories.update(handle, current, input, now);
        }));
    }

    private void delete(Context ctx) {
        Principal principal = authenticator.require(ctx);
        UUID id = Params.pathUuid(ctx, "id");
        writes.run(principal.userId(), "delete", "category", (handle, now) -> {
            CategoryView current = categories.findForUpdate(handle, id)
                    .orElseThrow(() -> ApiException.notFound("category", id));
            principal.requireOwnerOrAdmin(Creators.CATEGORIES.of(handle, id).orElse(null), "category " + id);
            categories.delete(handle, id);
            return current;
        });
        ctx.status(204);
    }

    /** @param self the category being updated (null on create): it may not become its own ancestor */
    private CategoryRepository.Input validate(Handle handle, JsonBody body, UUID self) {
        String name = body.text("name", true, 1, 200);
        String description = body.text("description", false, 0, 10_000);
        UUID parentId = body.uuid("parent_id", false);
        if (parentId != null) {
            if (!categories.exists(handle, parentId)) {
                body.errors().add("parent_id", "no category " + parentId);
            } else if (self != null && categories.isSelfOrDescendant(handle, self, parentId)) {
                body.errors().add("parent_id", "would make the category its own ancestor");
            }
        }
        body.errors().throwIfAny();
        return new CategoryRepository.Input(name, description, parentId);
    }
}
