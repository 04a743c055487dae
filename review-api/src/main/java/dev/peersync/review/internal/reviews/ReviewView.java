package dev.peersync.review.internal.reviews;

import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/** A review as the API answers it ({@code username} is the author's, joined at read time). */
public record ReviewView(UUID id, UUID productId, UUID userId, String username, int rating, String title, String body,
                         Instant createdAt, Instant updatedAt) implements Entity {
}
