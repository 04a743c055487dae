package dev.peersync.review.internal.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.review.internal.data.Sql;
import dev.peersync.review.internal.web.PageRequest;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** Reads {@code activity_logs}, newest first. */
public final class ActivityRepository {
    private final ObjectMapper mapper;

    /** Which rows to read; null fields do not filter. */
    public record Filter(UUID userId, String entityType, UUID entityId) {
        String where() {
            StringBuilder where = new StringBuilder(" WHERE true");
            if (userId != null) {
                where.append(" AND user_id = :userId");
            }
            if (entityType != null) {
                where.append(" AND entity_type = :entityType");
            }
            if (entityId != null) {
                where.append(" AND entity_id = :entityId");
            }
            return where.toString();
        }

        Query bind(Query query) {
            return query.bind("userId", userId).bind("entityType", entityType).bind("entityId", entityId);
        }
    }

    public ActivityRepository(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public List<ActivityView> list(Handle handle, Filter filter, PageRequest page) {
        return filter.bind(handle.createQuery("""
                        SELECT id, user_id, action, entity_type, entity_id, details::text AS details, created_at
                        FROM activity_logs""" + filter.where()
                        + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset"))
                .bind("limit", page.limit()).bind("offset", page.offset())
                .map((rs, ctx) -> new ActivityView(Sql.uuid(rs, "id"), Sql.uuid(rs, "user_id"),
                        rs.getString("action"), rs.getString("entity_type"), Sql.uuid(rs, "entity_id"),
                        parse(rs.getString("details")), Sql.instant(rs, "created_at")))
                .list();
    }

    public long count(Handle handle, Filter filter) {
        return filter.bind(handle.createQuery("SELECT count(*) FROM activity_logs" + filter.where()))
                .mapTo(Long.class).one();
    }

    private JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("activity_logs.details is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
