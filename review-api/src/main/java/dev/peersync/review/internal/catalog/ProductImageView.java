package dev.peersync.review.internal.catalog;

import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/** An image of a product as the API answers it. */
public record ProductImageView(UUID id, UUID productId, String url, String altText, int position, Instant createdAt,
                               Instant updatedAt) implements Entity {
}
