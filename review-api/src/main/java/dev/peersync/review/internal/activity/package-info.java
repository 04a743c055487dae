/** Activity log of the review API: writes audited in the same transaction, read back paged. Internal. */
package dev.peersync.review.internal.activity;
