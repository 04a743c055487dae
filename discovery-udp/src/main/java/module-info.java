/** Peer discovery by signed UDP broadcast datagrams. Only the top package is API. */
module dev.peersync.discovery {
    requires transitive dev.peersync.core;
    requires org.bouncycastle.provider;
    requires org.slf4j;

    exports dev.peersync.discovery;
}
