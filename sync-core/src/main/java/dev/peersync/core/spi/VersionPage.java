package dev.peersync.core.spi;

import java.util.List;

/**
 * A bounded answer to a {@link VersionsRequest}.
 *
 * @param versions row versions in key order ({@code COLLATE "C"} of the key text)
 * @param hasMore  true when more versions follow the last one: ask again with its key as {@code afterPk}
 */
public record VersionPage(List<RowVersion> versions, boolean hasMore) {
    public VersionPage {
        versions = List.copyOf(versions);
    }
}
