/**
 * sync-core's store on PostgreSQL. Only {@code dev.peersync.store.postgres} is API; the implementation lives in a
 * package no other module can read.
 */
module dev.peersync.store.postgres {
    requires transitive dev.peersync.core;
    requires transitive java.sql;
    requires org.jdbi.v3.core;
    requires org.postgresql.jdbc;
    requires flyway.core;
    requires org.slf4j;

    exports dev.peersync.store.postgres;
}
