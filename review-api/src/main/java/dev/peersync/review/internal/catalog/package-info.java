/** Categories, products and product images: routes, repositories and their JSON views. Internal. */
package dev.peersync.review.internal.catalog;
