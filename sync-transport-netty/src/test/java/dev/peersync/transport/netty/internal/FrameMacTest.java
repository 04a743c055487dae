package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.PeerRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Frames tagged by one side's {@link FrameMac} pass the other's check once, in order, unaltered. */
class FrameMacTest {
    private static final HandshakeAuth.SessionKeys KEYS = HandshakeAuth.sessionKeys(
            new BigInteger(1, HandshakeAuth.newNonce()), HandshakeAuth.newNonce(), HandshakeAuth.newNonce());

    private static EmbeddedChannel sender() {
        return new EmbeddedChannel(new FrameMac(KEYS.diallerToAcceptor(), KEYS.acceptorToDialler()),
                new MessageCodec(1 << 20, false, 1024, new TransportStats()));
    }

    private static EmbeddedChannel receiver() {
        FrameDecoder frames = new FrameDecoder(1 << 20, Duration.ofSeconds(5));
        frames.handshakeCompleted();
        return new EmbeddedChannel(frames, new FrameMac(KEYS.acceptorToDialler(), KEYS.diallerToAcceptor()),
                new MessageCodec(1 << 20, false, 1024, new TransportStats()));
    }

    private static byte[] wire(EmbeddedChannel sender, Frame frame) {
        sender.writeOutbound(frame);
        ByteBuf out = sender.readOutbound();
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    private static Frame ping(int id) {
        return new Frame(MessageType.PING, id, Bodies.Empty.INSTANCE);
    }

    @Test
    void tagged_frames_pass_in_order() {
        EmbeddedChannel sender = sender();
        EmbeddedChannel receiver = receiver();
        byte[] first = wire(sender, ping(1));
        byte[] second = wire(sender, SampleFrames.frame(MessageType.DIGEST, 2, new PeerRequest.Digest("reviews")));

        assertThat(first).hasSize(WireFormat.HEADER_SIZE + FrameMac.TAG_SIZE);
        receiver.writeInbound(Unpooled.wrappedBuffer(first), Unpooled.wrappedBuffer(second));

        assertThat(((Frame) receiver.readInbound()).requestId()).isEqualTo(1);
        Frame digest = receiver.readInbound();
        assertThat(((PeerRequest.Digest) MessageType.DIGEST.fromWire(digest.body())).table()).isEqualTo("reviews");
    }

    @Test
    void an_altered_byte_anywhere_fails_the_check() {
        byte[] bytes = wire(sender(), SampleFrames.frame(MessageType.DIGEST, 2, new PeerRequest.Digest("reviews")));
        for (int i : new int[] {8, WireFormat.HEADER_SIZE + 3, bytes.length - 1}) {
            byte[] altered = bytes.clone();
            altered[i] ^= 0x01;
            EmbeddedChannel receiver = receiver();
            assertThatThrownBy(() -> receiver.writeInbound(Unpooled.wrappedBuffer(altered)))
                    .isInstanceOfSatisfying(ProtocolViolationException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.BAD_FRAME_MAC));
            assertThat((Object) receiver.readInbound()).isNull();
        }
    }

    @Test
    void a_replayed_frame_and_a_frame_of_the_other_direction_fail_the_check() {
        EmbeddedChannel sender = sender();
        byte[] first = wire(sender, ping(1));
        EmbeddedChannel receiver = receiver();
        receiver.writeInbound(Unpooled.wrappedBuffer(first));
        assertThat((Object) receiver.readInbound()).isNotNull();

        assertThatThrownBy(() -> receiver.writeInbound(Unpooled.wrappedBuffer(first)))
                .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("integrity");

        EmbeddedChannel reflected = new EmbeddedChannel(new FrameDecoder(1 << 20, Duration.ofSeconds(5)),
                new FrameMac(KEYS.diallerToAcceptor(), KEYS.diallerToAcceptor()),
                new MessageCodec(1 << 20, false, 1024, new TransportStats()));
        EmbeddedChannel otherSide = new EmbeddedChannel(new FrameMac(KEYS.acceptorToDialler(),
                KEYS.diallerToAcceptor()), new MessageCodec(1 << 20, false, 1024, new TransportStats()));
        byte[] fromAcceptor = wire(otherSide, ping(1));
        assertThatThrownBy(() -> reflected.writeInbound(Unpooled.wrappedBuffer(fromAcceptor)))
                .isInstanceOf(ProtocolViolationException.class);
    }
}
