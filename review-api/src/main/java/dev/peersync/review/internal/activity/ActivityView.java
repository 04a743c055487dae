package dev.peersync.review.internal.activity;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/** One {@code activity_logs} row as the API answers it. */
public record ActivityView(UUID id, UUID userId, String action, String entityType, UUID entityId, JsonNode details,
                           Instant createdAt) {
}
