package dev.peersync.transport.netty.internal;

import dev.peersync.transport.netty.TransportStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** Frames to bytes and back with the real codec, for tests that play a peer by hand. */
public final class FrameBytes {
    public static final int MAX_FRAME = 64 * 1024;

    private FrameBytes() {
    }

    public static byte[] encode(Frame frame) {
        return encode(frame, false);
    }

    public static byte[] encode(Frame frame, boolean compression) {
        EmbeddedChannel channel = new EmbeddedChannel(new MessageCodec(MAX_FRAME * 16, compression, 1024,
                new TransportStats()));
        channel.writeOutbound(frame);
        ByteBuf buf = channel.readOutbound();
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        channel.finishAndReleaseAll();
        return bytes;
    }

    public static Frame decode(byte[] bytes) {
        return MessageCodec.decodeFrame(Unpooled.wrappedBuffer(bytes), MAX_FRAME * 16);
    }

    /** A header as {@link WireFormat} draws it, with any values, followed by {@code body}. */
    public static byte[] raw(int magic, int version, int type, int flags, int reserved, int requestId, int length,
                             byte[] body) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(magic).writeByte(version).writeByte(type).writeByte(flags).writeByte(reserved)
                .writeInt(requestId).writeInt(length).writeBytes(body);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    public static byte[] raw(int type, int requestId, byte[] body) {
        return raw(WireFormat.MAGIC, WireFormat.VERSION, type, 0, 0, requestId, body.length, body);
    }
}
