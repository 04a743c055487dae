/** SQL helpers shared by the repositories. Internal. */
package dev.peersync.review.internal.data;
