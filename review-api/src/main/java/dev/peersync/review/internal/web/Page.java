package dev.peersync.review.internal.web;

import java.util.List;

/** The JSON envelope of every list: {@code {"items": [...], "total", "limit", "offset"}}. */
public record Page<T>(List<T> items, long total, int limit, int offset) {
    public static <T> Page<T> of(List<T> items, long total, PageRequest request) {
        return new Page<>(items, total, request.limit(), request.offset());
    }
}
