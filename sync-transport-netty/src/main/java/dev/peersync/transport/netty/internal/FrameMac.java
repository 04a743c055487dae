package dev.peersync.transport.netty.internal;

import dev.peersync.transport.netty.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Integrity of every frame after an authenticated handshake when TLS is off: an on-path attacker who lets the
 * handshake through cannot then alter, inject, drop, reorder or replay frames. Each whole frame gets a tag
 * <pre>
 *   frame on the wire = header (length = L + 32) | body (L bytes) | tag (32 bytes)
 *   tag = HMAC-SHA256(direction key, sequence number (8 bytes, from 0) | header with length = L | body)
 * </pre>
 * with one key per direction, derived from the handshake's J-PAKE shared key and both handshake nonces
 * ({@link HandshakeAuth#sessionKeys}), so a tag is valid on one connection, in one direction, at one position.
 * A frame whose tag does not match is a {@link RejectReason#BAD_FRAME_MAC} violation: the guard refuses it and
 * closes the connection before the frame reaches the codec. Sits between the frame decoder and the codec.
 * Holds per-connection sequence numbers: not sharable.
 */
public final class FrameMac extends ChannelDuplexHandler {
    public static final int TAG_SIZE = 32;

    private final Mac outbound;
    private final Mac inbound;
    private long sentFrames;
    private long receivedFrames;

    public FrameMac(byte[] sendKey, byte[] receiveKey) {
        this.outbound = mac(sendKey);
        this.inbound = mac(receiveKey);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.write(msg, promise);
            return;
        }
        byte[] tag = tag(outbound, sentFrames++, frame, frame.readableBytes());
        int lengthAt = frame.readerIndex() + WireFormat.LENGTH_OFFSET;
        frame.setInt(lengthAt, frame.getInt(lengthAt) + TAG_SIZE);
        frame.writeBytes(tag);
        ctx.write(frame, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long sequence = receivedFrames++;
        int size = frame.readableBytes() - TAG_SIZE;
        int lengthAt = frame.readerIndex() + WireFormat.LENGTH_OFFSET;
        if (size < WireFormat.HEADER_SIZE || frame.getInt(lengthAt) < TAG_SIZE) {
            frame.release();
            throw new ProtocolViolationException(RejectReason.BAD_FRAME_MAC, "frame #" + sequence
                    + " is too short to carry its integrity tag");
        }
        frame.setInt(lengthAt, frame.getInt(lengthAt) - TAG_SIZE);
        byte[] expected = tag(inbound, sequence, frame, size);
        byte[] given = new byte[TAG_SIZE];
        frame.getBytes(frame.readerIndex() + size, given);
        if (!MessageDigest.isEqual(expected, given)) {
            frame.release();
            throw new ProtocolViolationException(RejectReason.BAD_FRAME_MAC, "frame #" + sequence
                    + " failed its integrity check: altered, injected, replayed or reordered on the way");
        }
        frame.writerIndex(frame.readerIndex() + size);
        ctx.fireChannelRead(frame);
    }

    private static byte[] tag(Mac mac, long sequence, ByteBuf frame, int length) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            mac.update((byte) (sequence >>> shift));
        }
        if (frame.hasArray()) {
            mac.update(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
        } else {
            byte[] copy = new byte[length];
            frame.getBytes(frame.readerIndex(), copy);
            mac.update(copy);
        }
        return mac.doFinal();
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
