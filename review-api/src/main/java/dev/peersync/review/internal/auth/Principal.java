package dev.peersync.review.internal.auth;

import java.util.UUID;

/** The authenticated caller, as stated by a verified access token. */
public record Principal(UUID userId, String username) {
}
