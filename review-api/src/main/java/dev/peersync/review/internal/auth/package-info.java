/** Sign-in: bcrypt password hashes, JWT access tokens, throttling of sign-in and registration. Internal. */
package dev.peersync.review.internal.auth;
