package dev.peersync.review.internal.activity;

import static dev.peersync.review.internal.web.Page.SNAPSHOT;

import dev.peersync.review.internal.web.Page;
import dev.peersync.review.internal.web.PageRequest;
import dev.peersync.review.internal.web.Params;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.jdbi.v3.core.Jdbi;

/** {@code GET /api/v1/activity}: the write history, newest first, filtered by user, entity type or entity id. */
public final class ActivityRoutes {
    private final Jdbi jdbi;
    private final ActivityRepository activity;

    public ActivityRoutes(Jdbi jdbi, ActivityRepository activity) {
        this.jdbi = jdbi;
        this.activity = activity;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/activity", this::list);
    }

    private void list(Context ctx) {
        ActivityRepository.Filter filter = new ActivityRepository.Filter(Params.queryUuid(ctx, "user_id"),
                Params.queryText(ctx, "entity_type", 50), Params.queryUuid(ctx, "entity_id"));
        PageRequest page = Params.page(ctx);
        ctx.json(jdbi.inTransaction(SNAPSHOT, handle -> Page.of(activity.list(handle, filter, page),
                activity.count(handle, filter), page)));
    }
}
