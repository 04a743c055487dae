package dev.peersync.review.internal.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.review.internal.data.Sql;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Appends one {@code activity_logs} row per successful write, on the caller's handle so it commits
 * (or rolls back) with the write it describes.
 */
public final class ActivityLog {
    private final ObjectMapper mapper;

    public ActivityLog(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param userId  who did it (null when unknown)
     * @param action  {@code create}, {@code update} or {@code delete}
     * @param details JSON-serialisable description (the entity as answered, never secrets)
     */
    public void append(Handle handle, UUID userId, String action, String entityType, UUID entityId, Object details,
                       Instant now) {
        String json;
        try {
            json = mapper.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise activity details of " + entityType + " "
                    + entityId + ": " + e.getMessage(), e);
        }
        handle.createUpdate("""
                        INSERT INTO activity_logs
                            (id, user_id, action, entity_type, entity_id, details, created_at, updated_at)
                        VALUES (:id, :userId, :action, :entityType, :entityId, CAST(:details AS jsonb), :now, :now)""")
                .bind("id", UUID.randomUUID())
                .bind("userId", userId)
                .bind("action", action)
                .bind("entityType", entityType)
                .bind("entityId", entityId)
                .bind("details", json)
                .bind("now", Sql.utc(now))
                .execute();
    }
}
