package dev.peersync.review.internal.users;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/**
 * A user as the API answers it: never the password hash; the email and the admin role only to the user and to
 * admins ({@link #publicView()} drops them, and they are then left out of the JSON).
 *
 * @param renamedByConflict the username or email was taken on another node first: the sync renamed this account
 *                          ({@code twin-...}); its owner should choose another with {@code PATCH /api/v1/users/me}
 */
public record UserView(UUID id, String username, @JsonInclude(JsonInclude.Include.NON_NULL) String email,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Boolean isAdmin, Instant createdAt,
                       Instant updatedAt, boolean renamedByConflict) implements Entity {
    /** What anybody may see of a user. */
    public UserView publicView() {
        return new UserView(id, username, null, null, createdAt, updatedAt, renamedByConflict);
    }
}
