/**
 * Implementation of the review API: routes, validation, auth, repositories. Internal: may change at any time;
 * use {@link dev.peersync.review.ReviewApi}, {@link dev.peersync.review.ReviewApiServer} and
 * {@link dev.peersync.review.ReviewDatabase} instead.
 */
package dev.peersync.review.internal;
