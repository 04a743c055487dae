package dev.peersync.review.internal.catalog;

import java.math.BigDecimal;
import dev.peersync.review.internal.activity.Entity;
import java.time.Instant;
import java.util.UUID;

/**
 * A product as the API answers it. {@code averageRating} (null without reviews) and {@code reviewCount} are
 * computed from {@code reviews} when read, never stored: stored aggregates would be rewritten by every node
 * and conflict under replication. {@code sku} is optional: null when unset, and on a node whose database has no
 * {@code products.sku} column yet (a migration rolled out node by node, see {@link ProductRepository#hasSku}).
 */
public record ProductView(UUID id, String name, String description, BigDecimal price, UUID categoryId, String sku,
                          BigDecimal averageRating, long reviewCount, Instant createdAt, Instant updatedAt)
        implements Entity {
}
