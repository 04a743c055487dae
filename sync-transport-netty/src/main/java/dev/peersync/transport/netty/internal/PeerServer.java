package dev.peersync.transport.netty.internal;

import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The listening side: binds, keeps track of accepted connections, closes them all on stop. */
public final class PeerServer implements AutoCloseable {
    private final Channel serverChannel;
    private final ChannelGroup connections;

    private PeerServer(Channel serverChannel, ChannelGroup connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /** Binds {@code host:port} (0 = ephemeral) and starts accepting; fails with the bind error. */
    public static PeerServer bind(EventLoopGroup boss, EventLoopGroup workers, String host, int port,
                                  PeerChannelInitializer initializer, int writeBufferLow, int writeBufferHigh,
                                  int maxConnections, TransportStats stats) {
        ChannelGroup connections = new DefaultChannelGroup("peersync-peers", GlobalEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(writeBufferLow, writeBufferHigh))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (connections.size() >= maxConnections) {
                            // Before any handler, so a flood costs only the accepts; counted, not logged (it would flood the log).
                            stats.rejected(RejectReason.TOO_MANY_CONNECTIONS);
                            ch.close();
                            return;
                        }
                        connections.add(ch);
                        ch.pipeline().addLast(initializer);
                    }
                });
        try {
            Channel channel = bootstrap.bind(host, port).syncUninterruptibly().channel();
            return new PeerServer(channel, connections);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen for peers on " + host + ":" + port + ": " + e.getMessage()
                    + " (is another node using this P2P_PORT?)", e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Bytes written by the server but not yet taken by the kernel, summed over all accepted connections. */
    public long pendingOutboundBytes() {
        long total = 0;
        for (Channel ch : connections) {
            ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
            if (buffer != null) {
                total += buffer.totalPendingWriteBytes();
            }
        }
        return total;
    }

    public int connectionCount() {
        return connections.size();
    }

    /** Closes every accepted connection (peers dial again, and handshake again); goes on accepting. */
    public void closeConnections() {
        connections.close();
    }

    /** Stops accepting and closes every accepted connection, waiting at most {@code wait}. */
    public void close(Duration wait) {
        serverChannel.close().awaitUninterruptibly(wait.toMillis(), TimeUnit.MILLISECONDS);
        connections.close().awaitUninterruptibly(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
