package dev.peersync.review.internal.web;

import java.util.List;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** The JSON envelope of every list: {@code {"items": [...], "total", "limit", "offset"}}. */
public record Page<T>(List<T> items, long total, int limit, int offset) {
    /** Isolation for reading a page and its total: both from one snapshot, so they agree. */
    public static final TransactionIsolationLevel SNAPSHOT = TransactionIsolationLevel.REPEATABLE_READ;

    public static <T> Page<T> of(List<T> items, long total, PageRequest request) {
        return new Page<>(items, total, request.limit(), request.offset());
    }
}
