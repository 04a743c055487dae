package dev.peersync.review.internal.web;

/** A page of a list: at most {@code limit} items after skipping {@code offset}. */
public record PageRequest(int limit, int offset) {
}
