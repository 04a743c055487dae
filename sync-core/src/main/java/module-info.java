/**
 * sync-core: the sync engine, the merge rule, the store and transport SPIs and the events. It holds no JDBC and no
 * networking: a store (sync-store-postgres) and a transport (sync-transport-netty) implement its SPIs.
 */
module dev.peersync.core {
    requires org.slf4j;
    requires com.fasterxml.jackson.core;

    exports dev.peersync.core;
    exports dev.peersync.core.engine;
    exports dev.peersync.core.event;
    exports dev.peersync.core.peer;
    exports dev.peersync.core.spi;
    exports dev.peersync.core.store;
}
