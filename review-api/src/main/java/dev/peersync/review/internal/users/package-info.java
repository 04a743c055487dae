/** Users: registration, profiles, {@code PATCH /users/me} and the admin role. Internal. */
package dev.peersync.review.internal.users;
