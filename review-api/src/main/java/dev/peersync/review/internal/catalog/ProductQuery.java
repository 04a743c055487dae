package dev.peersync.review.internal.catalog;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

/** Filters and order of a product listing; null filters are not applied. */
public record ProductQuery(UUID categoryId, String text, BigDecimal minPrice, BigDecimal maxPrice, String sort) {
    /** Accepted {@code sort} values and their ORDER BY; ties break on id so pages never overlap. */
    public static final Map<String, String> SORTS = Map.of(
            "created_at", "p.created_at ASC, p.id",
            "-created_at", "p.created_at DESC, p.id",
            "price", "p.price ASC, p.id",
            "-price", "p.price DESC, p.id",
            "rating", "s.average_rating ASC NULLS LAST, p.created_at DESC, p.id",
            "-rating", "s.average_rating DESC NULLS LAST, p.created_at DESC, p.id");
    public static final String DEFAULT_SORT = "-created_at";

    public String orderBy() {
        return SORTS.get(sort);
    }
}
