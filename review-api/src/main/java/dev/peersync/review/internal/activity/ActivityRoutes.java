package dev.peersync.review.internal.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.review.internal.data.Sql;
import dev.peersync.review.internal.web.Page;
import dev.peersync.review.internal.web.PageRequest;
import dev.peersync.review.internal.web.Params;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** {@code GET /api/v1/activity}: the write history, newest first, filtered by user, entity type or entity id. */
public final class ActivityRoutes {
    private final Jdbi jdbi;
    private final ObjectMapper mapper;

    public ActivityRoutes(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.mapper = mapper;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/activity", this::list);
    }

    private void list(Context ctx) {
        UUID userId = Params.queryUuid(ctx, "user_id");
        UUID entityId = Params.queryUuid(ctx, "entity_id");
        String entityType = Params.queryText(ctx, "entity_type", 50);
        PageRequest page = Params.page(ctx);
        StringBuilder where = new StringBuilder(" WHERE true");
        if (userId != null) {
            where.append(" AND user_id = :userId");
        }
        if (entityId != null) {
            where.append(" AND entity_id = :entityId");
        }
        if (entityType != null) {
            where.append(" AND entity_type = :entityType");
        }
        ctx.json(jdbi.inTransaction(handle -> {
            Query count = handle.createQuery("SELECT count(*) FROM activity_logs" + where);
            Query rows = handle.createQuery("SELECT id, user_id, action, entity_type, entity_id, details::text AS details, "
                    + "created_at FROM activity_logs" + where + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset");
            for (Query q : List.of(count, rows)) {
                q.bind("userId", userId).bind("entityId", entityId).bind("entityType", entityType);
            }
            long total = count.mapTo(Long.class).one();
            List<ActivityView> items = rows.bind("limit", page.limit()).bind("offset", page.offset())
                    .map((rs, c) -> new ActivityView(Sql.uuid(rs, "id"), Sql.uuid(rs, "user_id"), rs.getString("action"),
                            rs.getString("entity_type"), Sql.uuid(rs, "entity_id"), parse(rs.getString("details")),
                            Sql.instant(rs, "created_at")))
                    .list();
            return Page.of(items, total, page);
        }));
    }

    private com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("activity_logs.details is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
