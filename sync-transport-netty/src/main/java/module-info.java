/** sync-core's peer transport on Netty: framed, authenticated TCP between nodes. Only the top package is API. */
module dev.peersync.transport.netty {
    requires transitive dev.peersync.core;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.bouncycastle.provider;
    requires org.slf4j;

    exports dev.peersync.transport.netty;
}
