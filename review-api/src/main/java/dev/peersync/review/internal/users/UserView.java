package dev.peersync.review.internal.users;

import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/** A user as the API answers it: never the password hash. */
public record UserView(UUID id, String username, String email, Instant createdAt, Instant updatedAt)
        implements Entity {
}
