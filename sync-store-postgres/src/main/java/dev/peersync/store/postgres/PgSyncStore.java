package dev.peersync.store.postgres;

import dev.peersync.core.store.StoreSettings;
import dev.peersync.core.store.SyncSetupException;
import dev.peersync.core.store.SyncStore;

import dev.peersync.store.postgres.internal.PgStore;
import javax.sql.DataSource;

/**
 * The PostgreSQL {@link SyncStore}. {@link #install} creates (idempotently) sync-core's schema, the clock, one
 * metadata table and capture triggers per synced table; it is safe to call on every start, by several processes at
 * once, and needs neither a superuser nor an extension. It never changes the application's tables.
 *
 * <pre>
 * SyncStore store = PgSyncStore.install(dataSource, StoreSettings.of(List.of("users", "products", "reviews")));
 * </pre>
 */
public final class PgSyncStore {
    private PgSyncStore() {
    }

    /**
     * Installs and opens the store.
     *
     * @throws SyncSetupException when a table does not exist, is not a table or has no primary key (nothing is
     *                            installed then)
     */
    public static SyncStore install(DataSource dataSource, StoreSettings settings) {
        return PgStore.install(dataSource, settings);
    }

    /**
     * Gives the node of this database a new id and returns it: for a database copied to start another node (a clone),
     * which would otherwise meet its original as itself. Its old id becomes its predecessor ({@link
     * SyncStore#predecessor}). Run it with the node stopped. A database restored into another PostgreSQL cluster gets
     * a new id at install without being asked.
     */
    public static dev.peersync.core.NodeId newIdentity(DataSource dataSource, StoreSettings settings) {
        return PgStore.newIdentity(dataSource, settings);
    }
}
