/** Web plumbing of the review API: JSON bodies and their limits, paging, parameters, health and readiness. Internal. */
package dev.peersync.review.internal.web;
