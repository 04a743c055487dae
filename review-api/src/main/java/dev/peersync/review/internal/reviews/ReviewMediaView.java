package dev.peersync.review.internal.reviews;

import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/** A picture or video attached to a review. */
public record ReviewMediaView(UUID id, UUID reviewId, String url, String mediaType, Instant createdAt,
                              Instant updatedAt) implements Entity {
}
