package dev.peersync.review.internal.catalog;

import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/** A category as the API answers it. */
public record CategoryView(UUID id, String name, String description, UUID parentId, Instant createdAt,
                           Instant updatedAt) implements Entity {
}
