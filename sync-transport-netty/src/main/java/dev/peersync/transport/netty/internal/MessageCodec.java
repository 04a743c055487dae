package dev.peersync.transport.netty.internal;

import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.List;
import java.util.zip.DataFormatException;

/**
 * Whole frames (from {@link FrameDecoder}) to {@link Frame}s and back, per {@link WireFormat}. Compresses bodies
 * of at least {@code compressionThreshold} bytes when enabled and when deflate actually shrinks them; decodes
 * compressed bodies whatever the local setting, so the two sides need not agree. An encoded frame larger than
 * the maximum fails the write (the caller answers with an error instead). One instance per channel.
 */
public final class MessageCodec extends MessageToMessageCodec<ByteBuf, Frame> {
    private final int maxFrameSize;
    private final boolean compression;
    private final int compressionThreshold;
    private final TransportStats stats;

    public MessageCodec(int maxFrameSize, boolean compression, int compressionThreshold, TransportStats stats) {
        this.maxFrameSize = maxFrameSize;
        this.compression = compression;
        this.compressionThreshold = compressionThreshold;
        this.stats = stats;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) throws IOException {
        byte[] body = frame.type().emptyBody() ? new byte[0] : WireJson.write(frame.body());
        int flags = 0;
        if (compression && body.length >= compressionThreshold) {
            byte[] deflated = BodyCompression.deflate(body);
            if (deflated.length < body.length) {
                body = deflated;
                flags |= WireFormat.FLAG_DEFLATE;
            }
        }
        if ((long) body.length + WireFormat.HEADER_SIZE > maxFrameSize) {
            throw new TooLongFrameException(frame.type() + " of " + (body.length + WireFormat.HEADER_SIZE)
                    + " bytes exceeds the maximum frame size of " + maxFrameSize);
        }
        ByteBuf buf = ctx.alloc().buffer(WireFormat.HEADER_SIZE + body.length);
        buf.writeInt(WireFormat.MAGIC)
                .writeByte(WireFormat.VERSION)
                .writeByte(frame.type().code())
                .writeByte(flags)
                .writeByte(0)
                .writeInt(frame.requestId())
                .writeInt(body.length)
                .writeBytes(body);
        stats.frameOut();
        out.add(buf);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        out.add(decodeFrame(in, maxFrameSize));
        stats.frameIn();
    }

    /** Decodes one whole frame; every inconsistency is a {@link ProtocolViolationException}. */
    static Frame decodeFrame(ByteBuf in, int maxFrameSize) {
        if (in.readableBytes() < WireFormat.HEADER_SIZE) {
            throw violation("truncated frame of " + in.readableBytes() + " bytes");
        }
        int magic = in.readInt();
        byte version = in.readByte();
        if (magic != WireFormat.MAGIC || version != WireFormat.VERSION) {
            throw violation("bad magic or version: 0x" + Integer.toHexString(magic) + " v" + version);
        }
        int code = in.readUnsignedByte();
        MessageType type = MessageType.fromCode(code);
        if (type == null) {
            throw violation("unknown message type " + code);
        }
        int flags = in.readUnsignedByte();
        int reserved = in.readUnsignedByte();
        if ((flags & ~WireFormat.FLAG_DEFLATE) != 0 || reserved != 0) {
            throw violation("unknown flags 0x" + Integer.toHexString(flags) + "/0x" + Integer.toHexString(reserved)
                    + " on " + type);
        }
        int requestId = in.readInt();
        int length = in.readInt();
        if (length != in.readableBytes()) {
            throw violation(type + " announces " + length + " body bytes but the frame holds " + in.readableBytes());
        }
        if (type.hasRequestId() == (requestId == 0)) {
            throw violation(type + " with request id " + requestId);
        }
        byte[] body = new byte[length];
        in.readBytes(body);
        if ((flags & WireFormat.FLAG_DEFLATE) != 0) {
            try {
                body = BodyCompression.inflate(body, maxFrameSize);
            } catch (DataFormatException e) {
                throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR,
                        "bad compressed body of " + type + ": " + e.getMessage(), e);
            }
        }
        return new Frame(type, requestId, parseBody(type, body));
    }

    private static Object parseBody(MessageType type, byte[] body) {
        if (type.emptyBody()) {
            if (body.length != 0) {
                throw violation(type + " must have an empty body, got " + body.length + " bytes");
            }
            return Bodies.Empty.INSTANCE;
        }
        try {
            Object parsed = WireJson.read(body, type.bodyType());
            type.checkDecoded(parsed);
            return parsed;
        } catch (IOException | RuntimeException e) {
            // RuntimeException: the argument check of the sync-core record a body stands for (e.g. PullRequest.maxRows)
            // refused the value (MessageType.checkDecoded), or a wire body's own (a null list)
            throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR,
                    "malformed " + type + " body: " + e.getMessage(), e);
        }
    }

    private static ProtocolViolationException violation(String message) {
        return new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, message);
    }
}
