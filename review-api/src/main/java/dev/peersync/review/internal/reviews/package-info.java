/** Reviews and review media: routes, repository and views. Internal. */
package dev.peersync.review.internal.reviews;
