package dev.peersync.transport.netty.internal;

import dev.peersync.transport.netty.TransportStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts bytes in and out as they cross the socket (after TLS). Stateless: {@code @Sharable}. */
@ChannelHandler.Sharable
public final class TrafficCounter extends ChannelDuplexHandler {
    private final TransportStats stats;

    public TrafficCounter(TransportStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            stats.addBytesIn(buf.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf buf) {
            stats.addBytesOut(buf.readableBytes());
        }
        super.write(ctx, msg, promise);
    }
}
