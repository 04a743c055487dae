/** The embedding facade: {@link dev.peersync.embedded.PeerSync}. Requires the libraries it wires, transitively. */
module dev.peersync.embedded {
    requires transitive dev.peersync.core;
    requires transitive dev.peersync.store.postgres;
    requires transitive dev.peersync.transport.netty;
    requires transitive dev.peersync.discovery;
    requires org.slf4j;

    exports dev.peersync.embedded;
}
