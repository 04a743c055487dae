package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.PeerRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.ChangeBatch;
import dev.peersync.core.spi.RowChange;
import dev.peersync.transport.netty.RejectReason;
import dev.peersync.transport.netty.TransportStats;
import dev.peersync.transport.netty.support.ReviewRows;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private final java.util.List<EmbeddedChannel> channels = new java.util.ArrayList<>();

    private EmbeddedChannel track(EmbeddedChannel channel) {
        channels.add(channel);
        return channel;
    }

    @org.junit.jupiter.api.AfterEach
    void releaseBuffers() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(10);
    private static final NodeId ORIGIN = SampleFrames.ORIGIN;

    private final TransportStats stats = new TransportStats();

    private EmbeddedChannel channel() {
        return track(new EmbeddedChannel(new FrameDecoder(FrameBytes.MAX_FRAME, FRAME_TIMEOUT),
                new MessageCodec(FrameBytes.MAX_FRAME, false, 1024, stats), new ConnectionGuard(stats, true)));
    }

    private EmbeddedChannel codecOnly() {
        return track(new EmbeddedChannel(new FrameDecoder(FrameBytes.MAX_FRAME, FRAME_TIMEOUT),
                new MessageCodec(FrameBytes.MAX_FRAME, false, 1024, stats)));
    }

    @Test
    void every_message_type_round_trips_through_the_pipeline() {
        Map<MessageType, Frame> samples = SampleFrames.all();
        assertThat(samples.keySet()).containsExactlyInAnyOrder(MessageType.values());
        EmbeddedChannel channel = codecOnly();
        for (Frame frame : samples.values()) {
            assertThat(channel.writeOutbound(frame)).isTrue();
            ByteBuf wire = channel.readOutbound();
            assertThat(wire.getInt(0)).isEqualTo(WireFormat.MAGIC);
            channel.writeInbound(wire);
            Frame decoded = channel.readInbound();
            assertThat(decoded).as(frame.type().name()).usingRecursiveComparison().isEqualTo(frame);
        }
    }

    @Test
    void frames_split_and_joined_arbitrarily_decode_the_same() {
        EmbeddedChannel channel = codecOnly();
        List<Frame> frames = new ArrayList<>(SampleFrames.all().values());
        ByteBuf all = Unpooled.buffer();
        for (Frame frame : frames) {
            all.writeBytes(FrameBytes.encode(frame));
        }
        while (all.isReadable()) {
            channel.writeInbound(all.readRetainedSlice(Math.min(7, all.readableBytes())));
        }
        all.release();
        for (Frame frame : frames) {
            assertThat((Frame) channel.readInbound()).usingRecursiveComparison().isEqualTo(frame);
        }
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void row_data_keeps_every_digit_and_character() {
        String data = "{\"price\": 1.50, \"big\": 123456789012345678901234567890.000000000001, \"n\": -0, "
                + "\"text\": \"caf\u00e9 \\\"quoted\\\" \\u0001 \uD83D\uDE00\", \"nested\": {\"a\": [1, 2.0, null, true]}}";
        RowChange row = new RowChange("reviews", "[\"k\"]", 1, ORIGIN, false, data);
        Frame frame = new Frame(MessageType.FETCH_ROWS_REPLY, 1, new MessageType.Rows(List.of(row)));

        RowChange decoded = FrameBytes.decode(FrameBytes.encode(frame)).body(MessageType.Rows.class).rows().get(0);

        assertThat(decoded.data()).isEqualTo(data);
    }

    @Test
    void column_versions_and_the_replaced_version_cross_as_sent_and_are_absent_when_there_are_none() {
        String columns = "{\"name\": [117440512, \"" + ORIGIN + "\"], \"pr\\\"ice\": [3, \"" + ORIGIN + "\"]}";
        RowChange merged = new RowChange("products", "[\"k\"]", 9, ORIGIN, false, "{\"id\": \"k\"}", false, 7, columns,
                new dev.peersync.core.Version(5, ORIGIN));
        RowChange whole = new RowChange("products", "[\"j\"]", 9, ORIGIN, false, "{\"id\": \"j\"}");
        Frame frame = new Frame(MessageType.FETCH_ROWS_REPLY, 1, new MessageType.Rows(List.of(merged, whole)));

        List<RowChange> decoded = FrameBytes.decode(FrameBytes.encode(frame)).body(MessageType.Rows.class).rows();

        assertThat(decoded).containsExactly(merged, whole);
        assertThat(decoded.get(1).columns()).isNull();
        assertThat(decoded.get(1).previous()).isNull();
    }

    @Test
    void compressed_bodies_set_the_flag_shrink_and_round_trip() {
        Frame batch = SampleFrames.frame(MessageType.BATCH, 9,
                new ChangeBatch(ReviewRows.generate(200, 1), "200", false));

        byte[] plain = FrameBytes.encode(batch, false);
        byte[] compressed = FrameBytes.encode(batch, true);

        assertThat(compressed[6] & WireFormat.FLAG_DEFLATE).isEqualTo(WireFormat.FLAG_DEFLATE);
        assertThat(plain[6]).isZero();
        assertThat(compressed.length).isLessThan(plain.length / 2);
        assertThat(FrameBytes.decode(compressed)).usingRecursiveComparison().isEqualTo(batch);
    }

    @Test
    void small_bodies_are_not_compressed() {
        Frame ping = SampleFrames.frame(MessageType.DIGEST, 1, new PeerRequest.Digest("reviews"));
        assertThat(FrameBytes.encode(ping, true)[6]).isZero();
    }

    @Test
    void bad_magic_closes_the_connection_at_the_first_byte() {
        assertRejected(new byte[] {'G'}, RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void a_bad_digest_range_decodes_so_that_the_server_can_answer_it_with_an_error() {
        byte[] body = "{\"table\":\"reviews\",\"ranges\":[[-1,0,0],[3,9,1]]}".getBytes(StandardCharsets.UTF_8);
        EmbeddedChannel channel = codecOnly();
        channel.writeInbound(Unpooled.wrappedBuffer(FrameBytes.raw(MessageType.RANGE_DIGESTS.code(), 3, body)));
        Frame frame = channel.readInbound();
        assertThat(frame.body(MessageType.RangesQuery.class).ranges())
                .isDeepEqualTo(new int[][] {{-1, 0, 0}, {3, 9, 1}});
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void http_request_is_refused_as_not_a_peer() {
        assertRejected("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void other_protocol_version_is_refused() {
        // Version 1 is the previous protocol (BUCKETS and BUCKET_ROWS instead of the range digests).
        assertRejected(FrameBytes.raw(WireFormat.MAGIC, 1, MessageType.PING.code(), 0, 0, 1, 0, new byte[0]),
                RejectReason.VERSION_MISMATCH);
    }

    @Test
    void oversized_length_is_refused_before_the_body_arrives() {
        byte[] headerOnly = FrameBytes.raw(WireFormat.MAGIC, WireFormat.VERSION, MessageType.BATCH.code(), 0, 0, 1,
                FrameBytes.MAX_FRAME, new byte[0]);
        assertRejected(headerOnly, RejectReason.FRAME_TOO_LARGE);
    }

    @Test
    void negative_length_is_refused() {
        assertRejected(FrameBytes.raw(WireFormat.MAGIC, WireFormat.VERSION, MessageType.BATCH.code(), 0, 0, 1, -5,
                new byte[0]), RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void unknown_message_type_is_refused() {
        assertRejected(FrameBytes.raw(99, 1, new byte[0]), RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void unknown_flag_bits_are_refused() {
        assertRejected(FrameBytes.raw(WireFormat.MAGIC, WireFormat.VERSION, MessageType.PING.code(), 0x80, 0, 1, 0,
                new byte[0]), RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void garbage_json_body_is_refused() {
        assertRejected(FrameBytes.raw(MessageType.PULL.code(), 1, "{\"tables\": [\"a\", ".getBytes(StandardCharsets.UTF_8)),
                RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void json_of_the_wrong_shape_is_refused() {
        assertRejected(FrameBytes.raw(MessageType.BATCH.code(), 1, "[1,2,3]".getBytes(StandardCharsets.UTF_8)),
                RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void values_the_records_refuse_are_refused() {
        byte[] body = "{\"tables\":[\"reviews\"],\"cursor\":\"\",\"maxRows\":0,\"estimate\":false}"
                .getBytes(StandardCharsets.UTF_8);
        assertRejected(FrameBytes.raw(MessageType.PULL.code(), 1, body), RejectReason.PROTOCOL_ERROR);
    }

    /** Each body is the transport's own; the sync-core record it stands for is built on decode and refuses these. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "PULL|{\"tables\":[\"reviews\"],\"cursor\":\"\",\"maxRows\":5,\"heldCursors\":null,\"estimate\":false,"
            + "\"x\":0}|true",
        "PULL|{\"tables\":null,\"cursor\":\"\",\"maxRows\":5,\"estimate\":false}|false",
        "BATCH|{\"changes\":[],\"nextCursor\":\"\",\"hasMore\":false,\"midTransaction\":false,\"rejoin\":true,"
            + "\"rewound\":false}|true",
        "BATCH|{\"changes\":null,\"nextCursor\":\"\",\"hasMore\":false,\"midTransaction\":false,\"rejoin\":false,"
            + "\"rewound\":false}|false",
        "FETCH_ROWS|{\"table\":\"reviews\",\"pks\":[\"a\"]}|true",
        "FETCH_ROWS|{\"table\":\"reviews\",\"pks\":[\"a\",null]}|false",
        "SNAPSHOT|{\"table\":\"reviews\",\"columns\":[\"id\"],\"afterPk\":\"\",\"limit\":1}|true",
        "SNAPSHOT|{\"table\":\"reviews\",\"columns\":[\"id\"],\"afterPk\":\"\",\"limit\":0}|false",
        "SNAPSHOT|{\"table\":\"reviews\",\"columns\":[\"id\",\"id\"],\"afterPk\":\"\",\"limit\":1}|false",
        "SNAPSHOT_PAGE|{\"copy\":\"\",\"rows\":0,\"lastPk\":\"\",\"hasMore\":false,\"feedCursor\":\"c\","
            + "\"gcHorizon\":0}|true",
        "SNAPSHOT_PAGE|{\"copy\":\"\",\"rows\":-1,\"lastPk\":\"\",\"hasMore\":false,\"feedCursor\":\"c\","
            + "\"gcHorizon\":0}|false",
        "RANGE_VERSIONS_REPLY|{\"versions\":[],\"hasMore\":false}|true",
        "RANGE_VERSIONS_REPLY|{\"versions\":null,\"hasMore\":false}|false",
    })
    void a_value_the_sync_core_record_refuses_closes_the_connection_as_malformed(String type, String json,
                                                                                boolean valid) {
        byte[] frame = FrameBytes.raw(MessageType.valueOf(type).code(), 1, json.getBytes(StandardCharsets.UTF_8));
        if (valid) {
            EmbeddedChannel channel = codecOnly();
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
            assertThat(((Frame) channel.readInbound()).type()).isEqualTo(MessageType.valueOf(type));
        } else {
            assertRejected(frame, RejectReason.PROTOCOL_ERROR);
        }
    }

    @Test
    void a_refused_value_is_named_in_the_violation() {
        byte[] body = "{\"tables\":[\"reviews\"],\"cursor\":\"\",\"maxRows\":0,\"estimate\":false}"
                .getBytes(StandardCharsets.UTF_8);
        ByteBuf in = Unpooled.wrappedBuffer(FrameBytes.raw(MessageType.PULL.code(), 1, body));
        try {
            assertThatThrownBy(() -> MessageCodec.decodeFrame(in, FrameBytes.MAX_FRAME))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessage("malformed PULL body: maxRows must be positive, got: 0");
        } finally {
            in.release();
        }
    }

    @Test
    void live_row_without_data_is_refused() {
        byte[] body = ("{\"changes\":[{\"table\":\"t\",\"pk\":\"[1]\",\"hlc\":1,\"origin\":\"" + ORIGIN
                + "\",\"deleted\":false,\"data\":null}],\"nextCursor\":\"\",\"hasMore\":false}")
                .getBytes(StandardCharsets.UTF_8);
        assertRejected(FrameBytes.raw(MessageType.BATCH.code(), 1, body), RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void body_on_an_empty_message_is_refused() {
        assertRejected(FrameBytes.raw(MessageType.PING.code(), 1, "{}".getBytes(StandardCharsets.UTF_8)),
                RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void request_without_request_id_is_refused() {
        assertRejected(FrameBytes.raw(MessageType.PING.code(), 0, new byte[0]), RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void compressed_body_that_inflates_beyond_the_maximum_is_refused() {
        byte[] bomb = BodyCompression.deflate(new byte[FrameBytes.MAX_FRAME * 4]);
        assertThat(bomb.length).isLessThan(FrameBytes.MAX_FRAME);
        assertRejected(FrameBytes.raw(WireFormat.MAGIC, WireFormat.VERSION, MessageType.BATCH.code(),
                WireFormat.FLAG_DEFLATE, 0, 1, bomb.length, bomb), RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void corrupt_compressed_body_is_refused() {
        byte[] junk = {1, 2, 3, 4, 5, 6, 7, 8};
        assertRejected(FrameBytes.raw(WireFormat.MAGIC, WireFormat.VERSION, MessageType.BATCH.code(),
                WireFormat.FLAG_DEFLATE, 0, 1, junk.length, junk), RejectReason.PROTOCOL_ERROR);
    }

    @Test
    void truncated_frame_is_closed_after_the_frame_timeout() {
        EmbeddedChannel channel = channel();
        byte[] whole = FrameBytes.encode(SampleFrames.all().get(MessageType.BATCH));
        channel.writeInbound(Unpooled.wrappedBuffer(whole, 0, whole.length - 3));
        assertThat(channel.isOpen()).isTrue();

        channel.advanceTimeBy(FRAME_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertClosedWith(channel, RejectReason.SLOW_PEER);
    }

    @Test
    void trickling_bytes_do_not_extend_the_frame_deadline() {
        EmbeddedChannel channel = channel();
        byte[] whole = FrameBytes.encode(SampleFrames.all().get(MessageType.BATCH));
        long step = FRAME_TIMEOUT.toMillis() / 4;
        for (int i = 0; i < 5 && channel.isOpen(); i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(whole, i, 1));
            channel.advanceTimeBy(step + 1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        assertClosedWith(channel, RejectReason.SLOW_PEER);
    }

    @Test
    void complete_frames_keep_the_connection_open_past_the_frame_timeout() {
        EmbeddedChannel channel = codecOnly();
        byte[] ping = FrameBytes.encode(SampleFrames.all().get(MessageType.PING));
        for (int i = 0; i < 3; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(ping));
            channel.advanceTimeBy(FRAME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void encoding_a_frame_above_the_maximum_fails_the_write() {
        EmbeddedChannel channel = track(new EmbeddedChannel(new MessageCodec(8192, false, 1024, stats)));
        Frame big = SampleFrames.frame(MessageType.BATCH, 1, new ChangeBatch(ReviewRows.generate(50, 2), "", false));
        assertThatThrownBy(() -> channel.writeOutbound(big)).hasMessageContaining("exceeds the maximum frame size");
    }

    private void assertRejected(byte[] input, RejectReason reason) {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(input));
        assertClosedWith(channel, reason);
        assertThat((Object) channel.readInbound()).isNull();
    }

    private void assertClosedWith(EmbeddedChannel channel, RejectReason reason) {
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("connection closed").isFalse();
        assertThat(stats.rejections(reason)).as("rejections for " + reason).isEqualTo(1);
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("REJECT frame sent").isNotNull();
        Frame reject = MessageCodec.decodeFrame(out, FrameBytes.MAX_FRAME);
        out.release();
        assertThat(reject.type()).isEqualTo(MessageType.REJECT);
        assertThat(reject.body(Bodies.Reject.class).reason()).isEqualTo(reason);
    }
}
