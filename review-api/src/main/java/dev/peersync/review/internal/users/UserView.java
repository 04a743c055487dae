package dev.peersync.review.internal.users;

import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/**
 * A user as the API answers it: never the password hash.
 *
 * @param renamedByConflict the username or email was taken on another node first: the sync renamed this account
 *                          ({@code twin-...}); its owner should choose another with {@code PATCH /api/v1/users/me}
 */
public record UserView(UUID id, String username, String email, Instant createdAt, Instant updatedAt,
                       boolean renamedByConflict) implements Entity {
}
