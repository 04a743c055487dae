package dev.peersync.review.internal.catalog;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Who created a catalog row ({@code created_by}, empty for rows from before it was recorded). The table is one of
 * a fixed set, never a caller's string.
 */
enum Creators {
    CATEGORIES("categories"), PRODUCTS("products"), PRODUCT_IMAGES("product_images");

    private final String table;

    Creators(String table) {
        this.table = table;
    }

    /** The creator of row {@code id}; empty when unknown or when the row does not exist. */
    Optional<UUID> of(Handle handle, UUID id) {
        return handle.createQuery("SELECT created_by FROM " + table + " WHERE id = :id").bind("id", id)
                .mapTo(UUID.class).findOne();
    }

    /** Records the creator of a row just inserted in this transaction. */
    void record(Handle handle, UUID id, UUID creator) {
        handle.createUpdate("UPDATE " + table + " SET created_by = :creator WHERE id = :id")
                .bind("creator", creator).bind("id", id).execute();
    }
}
