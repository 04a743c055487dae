package dev.peersync.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.NodeHello;
import dev.peersync.core.spi.PeerRequest;
import dev.peersync.core.spi.SchemaShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bytes of every message type, pinned: a frame of each, encoded by the real codec, must equal the golden file
 * under {@code src/test/resources/wire/v<version>/}, and the golden bytes must decode and encode back to themselves.
 * The bodies are the transport's own records ({@link MessageType}'s request and reply bodies, {@link Bodies}), each
 * field named by {@code @JsonProperty} and converted to and from sync-core's values in {@link MessageType}'s table
 * ({@link WireOwnershipTest} keeps sync-core's records off the wire): renaming a component in sync-core changes
 * nothing here, and changing a wire name, a field's order or a conversion changes protocol version
 * {@value WireFormat#VERSION}: this test fails first. A deliberate change of the wire comes with a new protocol
 * version and new golden files ({@code -Dpeersync.wire.golden.write=true} writes them; review the diff).
 *
 * <p>A golden file is the header in hex on its first line, then the body as it travels (JSON, UTF-8; empty for PING,
 * PONG and PUSH).
 */
class WireGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/wire/v" + WireFormat.VERSION);
    private static final boolean WRITE = Boolean.getBoolean("peersync.wire.golden.write");

    /** SampleFrames with the one random part, HELLO's node id and nonce, fixed; maps of one entry keep key order. */
    private static Frame sample(MessageType type) {
        if (type == MessageType.HELLO) {
            NodeHello node = new NodeHello(NodeId.parse("00000000-0000-0000-0000-0000000000bb"), "n1", "cluster",
                    new SchemaShape(Map.of("reviews", new SchemaShape.Table(List.of("id"), Map.of("id", "uuid")))),
                    8000, 8001, "1.2.3", NodeId.parse("00000000-0000-0000-0000-0000000000cc"));
            byte[] nonce = new byte[HandshakeAuth.newNonce().length];
            for (int i = 0; i < nonce.length; i++) {
                nonce[i] = (byte) i;
            }
            return Frame.oneWay(MessageType.HELLO,
                    new Bodies.Hello(WireFormat.VERSION, Bodies.Node.of(node), nonce, true, 8001));
        }
        Frame frame = SampleFrames.all().get(type);
        assertThat(frame).as("SampleFrames has no sample of %s: add one, and its golden file", type).isNotNull();
        return frame;
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void every_message_type_keeps_its_bytes(MessageType type) throws IOException {
        byte[] encoded = FrameBytes.encode(sample(type));
        Path file = DIR.resolve(type.name() + ".frame");
        if (WRITE) {
            Files.createDirectories(DIR);
            Files.writeString(file, render(encoded), StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(file)).as("golden file %s (a new message type needs one)", file).isTrue();
        String golden = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(render(encoded)).as("%s on the wire differs from %s", type, file).isEqualTo(golden);

        byte[] goldenBytes = parse(golden);
        assertThat(FrameBytes.encode(FrameBytes.decode(goldenBytes)))
                .as("%s golden bytes decoded and encoded again", type).isEqualTo(goldenBytes);
    }

    @org.junit.jupiter.api.Test
    void every_request_of_sync_cores_table_has_a_message_type_and_its_reply() {
        for (Class<?> request : PeerRequest.class.getPermittedSubclasses()) {
            MessageType type = MessageType.forRequest(request);
            assertThat(type).as("the message type of %s", request.getSimpleName()).isNotNull();
            assertThat(type.replyType()).as("the reply to %s", type).isNotNull();
        }
    }

    private static String render(byte[] frame) {
        String header = HexFormat.of().formatHex(frame, 0, WireFormat.HEADER_SIZE);
        return header + "\n" + new String(frame, WireFormat.HEADER_SIZE, frame.length - WireFormat.HEADER_SIZE,
                StandardCharsets.UTF_8);
    }

    private static byte[] parse(String golden) {
        int newline = golden.indexOf('\n');
        byte[] header = HexFormat.of().parseHex(golden.substring(0, newline));
        byte[] body = golden.substring(newline + 1).getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[header.length + body.length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(body, 0, frame, header.length, body.length);
        if (frame.length < WireFormat.HEADER_SIZE) {
            throw new UncheckedIOException(new IOException("golden file too short"));
        }
        return frame;
    }
}
