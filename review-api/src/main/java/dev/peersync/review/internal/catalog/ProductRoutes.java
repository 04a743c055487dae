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
import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code /api/v1/products}: listing with filters and sorting; any signed-in user may create a product, only its
 * creator or an admin may change or delete it.
 */
public final class ProductRoutes {
    /** The largest value numeric(12,2) holds. */
    static final BigDecimal MAX_PRICE = new BigDecimal("9999999999.99");

    private final Jdbi jdbi;
    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final AuditedWrites writes;
    private final ProductRepository products = new ProductRepository();
    private final CategoryRepository categories = new CategoryRepository();

    public ProductRoutes(Jdbi jdbi, JsonBodies bodies, Authenticator authenticator, AuditedWrites writes) {
        this.jdbi = jdbi;
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.writes = writes;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/products", this::list);
        routes.post("/api/v1/products", this::create);
        routes.get("/api/v1/products/{id}", this::get);
        routes.put("/api/v1/products/{id}", ctx -> update(ctx, false));
        routes.patch("/api/v1/products/{id}", ctx -> update(ctx, true));
        routes.delete("/api/v1/products/{id}", this::delete);
    }

    private void list(Context ctx) {
        ProductQuery query = new ProductQuery(Params.queryUuid(ctx, "category_id"), Params.queryText(ctx, "q", 200),
                Params.queryDecimal(ctx, "min_price"), Params.queryDecimal(ctx, "max_price"), sort(ctx));
        if (query.minPrice() != null && query.maxPrice() != null && query.minPrice().compareTo(query.maxPrice()) > 0) {
            throw ApiException.badRequest("min_price must not be greater than max_price",
                    Map.of("min_price", query.minPrice(), "max_price", query.maxPrice()));
        }
        PageRequest page = Params.page(ctx);
        ctx.json(jdbi.inTransaction(SNAPSHOT, handle -> Page.of(products.list(handle, query, page),
                products.count(handle, query), page)));
    }

    private static String sort(Context ctx) {
        String sort = ctx.queryParam("sort");
        if (sort == null || sort.isEmpty()) {
            return ProductQuery.DEFAULT_SORT;
        }
        if (!ProductQuery.SORTS.containsKey(sort)) {
            throw Params.invalid("query parameter 'sort' must be one of created_at, -created_at, price, -price, "
                    + "rating, -rating", "sort", sort);
        }
        return sort;
    }

    private void get(Context ctx) {
        UUID id = Params.pathUuid(ctx, "id");
        ctx.json(jdbi.withHandle(handle -> products.find(handle, id))
                .orElseThrow(() -> ApiException.notFound("product", id)));
    }

    private void create(Context ctx) {
        Principal principal = authenticator.require(ctx);
        JsonBody body = bodies.read(ctx);
        ProductView created = writes.run(principal.userId(), "create", "product", (handle, now) -> {
            UUID id = products.insert(handle, validate(handle, body), now);
            Creators.PRODUCTS.record(handle, id, principal.userId());
            return products.find(handle, id).orElseThrow();
        });
        Problems.created(ctx, "/api/v1/products/" + created.id(), created);
    }

    private void update(Context ctx, boolean partial) {
        Principal principal = authenticator.require(ctx);
        UUID id = Params.pathUuid(ctx, "id");
        JsonBody body = bodies.read(ctx);
        ctx.json(writes.run(principal.userId(), "update", "product", (handle, now) -> {
            ProductView current = products.findLocked(handle, id)
                    .orElseThrow(() -> ApiException.notFound("product", id));
            principal.requireOwnerOrAdmin(Creators.PRODUCTS.of(handle, id).orElse(null), "product " + id);
            products.update(handle, id, validate(handle, partial ? bodies.patched(body, current) : body), now);
            return products.find(handle, id).orElseThrow();
        }));
    }

    private void delete(Context ctx) {
        Principal principal = authenticator.require(ctx);
        UUID id = Params.pathUuid(ctx, "id");
        writes.run(principal.userId(), "delete", "product", (handle, now) -> {
            ProductView current = products.findLocked(handle, id)
                    .orElseThrow(() -> ApiException.notFound("product", id));
            // A product's delete cascades its reviews: its creator or an admin only.
            principal.requireOwnerOrAdmin(Creators.PRODUCTS.of(handle, id).orElse(null), "product " + id);
            products.delete(handle, id);
            return current;
        });
        ctx.status(204);
    }

    private ProductRepository.Input validate(Handle handle, JsonBody body) {
        String name = body.text("name", true, 1, 200);
        String description = body.text("description", false, 0, 10_000);
        BigDecimal price = body.decimal("price", true);
        UUID categoryId = body.uuid("category_id", false);
        String sku = body.text("sku", false, 1, 64);
        if (sku != null && !products.hasSku(handle)) {
            body.errors().add("sku", "this node's database has no products.sku column yet (a migration is being"
                    + " rolled out): send sku to a node that has it, or leave it out");
        }
        if (price != null) {
            body.errors().check(price.signum() >= 0, "price", "must be 0 or more");
            body.errors().check(price.compareTo(MAX_PRICE) <= 0, "price", "must be at most " + MAX_PRICE);
            body.errors().check(price.stripTrailingZeros().scale() <= 2, "price", "must have at most 2 decimal places");
        }
        if (categoryId != null && !categories.exists(handle, categoryId)) {
            body.errors().add("category_id", "no category " + categoryId);
        }
        body.errors().throwIfAny();
        return new ProductRepository.Input(name, description, price, categoryId, sku);
    }
}
