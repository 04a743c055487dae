package dev.peersync.transport.netty.internal;

import dev.peersync.transport.netty.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Cuts the byte stream into whole frames ({@link WireFormat}). Checks the magic and the version as soon as
 * their bytes arrive, refuses a length above the maximum before buffering the body (fail fast), and closes a
 * connection whose started frame does not complete within the frame timeout (a slowloris peer that trickles
 * bytes keeps the idle timer happy but not this one). Until the handshake has completed, frames are limited to
 * {@link WireFormat#MAX_HANDSHAKE_FRAME}: a peer that has not proved anything cannot make this node buffer
 * megabytes. One instance per channel.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    private static final byte[] MAGIC = {'P', 'S', 'Y', 'N'};

    private final int maxFrameSize;
    private int currentLimit;
    private final long frameTimeoutNanos;
    private long framesDecoded;
    private long framesDecodedWhenArmed = -1;
    private ScheduledFuture<?> partialFrameTimer;

    public FrameDecoder(int maxFrameSize, Duration frameTimeout) {
        super(maxFrameSize + FrameMac.TAG_SIZE, WireFormat.LENGTH_OFFSET, 4, 0, 0, true);
        this.maxFrameSize = maxFrameSize;
        this.currentLimit = Math.min(maxFrameSize, WireFormat.MAX_HANDSHAKE_FRAME);
        this.frameTimeoutNanos = frameTimeout.toNanos();
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        checkPrefix(in);
        if (in.readableBytes() >= WireFormat.HEADER_SIZE) {
            int length = in.getInt(in.readerIndex() + WireFormat.LENGTH_OFFSET);
            if (length < 0) {
                throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR, "negative body length: " + length);
            }
            if ((long) length + WireFormat.HEADER_SIZE > currentLimit) {
                throw new TooLongFrameException("frame of " + ((long) length + WireFormat.HEADER_SIZE)
                        + " bytes exceeds the maximum of " + currentLimit
                        + (currentLimit < maxFrameSize ? " before the handshake" : ""));
            }
        }
        Object frame = super.decode(ctx, in);
        if (frame != null) {
            framesDecoded++;
        }
        return frame;
    }

    /** The peer is verified: from now on frames up to the configured maximum are accepted. */
    void handshakeCompleted() {
        currentLimit = maxFrameSize + FrameMac.TAG_SIZE; // room for FrameMac's tag, when frames carry one
    }

    private static void checkPrefix(ByteBuf in) {
        int start = in.readerIndex();
        int available = Math.min(in.readableBytes(), MAGIC.length);
        for (int i = 0; i < available; i++) {
            if (in.getByte(start + i) != MAGIC[i]) {
                throw new ProtocolViolationException(RejectReason.PROTOCOL_ERROR,
                        "bad magic: not a peersync peer (first bytes 0x" + hex(in, start, available) + ")");
            }
        }
        if (in.readableBytes() > 4 && in.getByte(start + 4) != WireFormat.VERSION) {
            throw new ProtocolViolationException(RejectReason.VERSION_MISMATCH,
                    "protocol version " + in.getByte(start + 4) + " is not supported, this node speaks "
                            + WireFormat.VERSION);
        }
    }

    private static String hex(ByteBuf in, int start, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(String.format("%02x", in.getByte(start + i)));
        }
        return s.toString();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        armPartialFrameTimer(ctx);
        super.channelReadComplete(ctx);
    }

    /** Starts the deadline of a frame left incomplete by this read; keeps the deadline if it is the same frame. */
    private void armPartialFrameTimer(ChannelHandlerContext ctx) {
        if (actualReadableBytes() == 0) {
            cancelTimer();
            return;
        }
        if (partialFrameTimer != null && framesDecodedWhenArmed == framesDecoded) {
            return;
        }
        cancelTimer();
        framesDecodedWhenArmed = framesDecoded;
        partialFrameTimer = ctx.executor().schedule(() -> {
            partialFrameTimer = null;
            if (framesDecoded == framesDecodedWhenArmed && actualReadableBytes() > 0 && ctx.channel().isActive()) {
                ctx.fireExceptionCaught(new ProtocolViolationException(RejectReason.SLOW_PEER,
                        "frame incomplete after " + Duration.ofNanos(frameTimeoutNanos) + " (" + actualReadableBytes()
                                + " bytes received)"));
            }
        }, frameTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (partialFrameTimer != null) {
            partialFrameTimer.cancel(false);
            partialFrameTimer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.handlerRemoved0(ctx);
    }
}
