package dev.peersync.review.internal.catalog;

import java.math.BigDecimal;
import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/**
 * A product as the API answers it. {@code averageRating} (null without reviews) and {@code reviewCount} are
 * computed from {@code reviews} when read, never stored: stored aggregates would be rewritten by every node
 * and conflict under replication.
 */
public record ProductView(UUID id, String name, String description, BigDecimal price, UUID categoryId,
                          BigDecimal averageRating, long reviewCount, Instant createdAt, Instant updatedAt)
        implements Entity {
}
