/** sync-core's store on PostgreSQL: {@link dev.peersync.store.postgres.PgSyncStore#install}. */
package dev.peersync.store.postgres;
