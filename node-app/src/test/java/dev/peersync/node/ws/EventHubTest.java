package dev.peersync.node.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.NodeId;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.core.peer.PeerOrigin;
import dev.peersync.core.peer.PeerState;
import dev.peersync.core.peer.PeerStateChange;
import dev.peersync.testing.Await;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventHubTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final NodeId PEER = NodeId.parse("00000000-0000-0000-0000-000000000002");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger statusCalls = new AtomicInteger();
    private final EventHub hub = new EventHub(mapper, () -> Map.of("node_name", "n1", "calls",
            statusCalls.incrementAndGet()), 4, 10, Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void close() {
        hub.close();
    }

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void a_new_client_first_gets_the_status() throws Exception {
        RecordingChannel client = new RecordingChannel("a", RecordingChannel.Mode.FAST);

        hub.connect(client);

        List<String> sent = Await.until("status message", WAIT, client::sent, s -> !s.isEmpty());
        JsonNode status = json(sent.get(0));
        assertThat(status.get("type").asText()).isEqualTo("status");
        assertThat(status.get("data").get("node_name").asText()).isEqualTo("n1");
    }

    @Test
    void table_synced_is_sent_in_the_guide_shape() throws Exception {
        RecordingChannel client = new RecordingChannel("a", RecordingChannel.Mode.FAST);
        hub.connect(client);
        Await.until("status", WAIT, () -> client.sent().size() == 1, ok -> ok);

        hub.onEvent(new SyncEvent.TableSynced(NOW, PEER, "users", 10));

        JsonNode event = json(client.sent().get(1));
        assertThat(event.get("type").asText()).isEqualTo("sync_event");
        assertThat(event.get("data").get("type").asText()).isEqualTo("table_synced");
        assertThat(event.get("data").get("table").asText()).isEqualTo("users");
        assertThat(event.get("data").get("count").asInt()).isEqualTo(10);
        assertThat(event.get("data").get("timestamp").asText()).isEqualTo("2026-01-01T12:00:00Z");
    }

    @Test
    void peer_changes_become_peer_up_suspect_down_and_trigger_a_new_status() throws Exception {
        RecordingChannel client = new RecordingChannel("a", RecordingChannel.Mode.FAST);
        hub.connect(client);
        Await.until("status", WAIT, () -> client.sent().size() == 1, ok -> ok);
        PeerInfo peer = new PeerInfo(PEER, "n2", "127.0.0.1", 8010, 8003, "0.1.0", PeerOrigin.DISCOVERED,
                PeerState.GONE, NOW, NOW);

        hub.onEvent(new SyncEvent.PeerChanged(NOW, new PeerStateChange(peer, PeerState.SUSPECT, PeerState.GONE)));

        List<String> sent = Await.until("event and new status", WAIT, client::sent, s -> s.size() >= 3);
        JsonNode event = json(sent.get(1));
        assertThat(event.get("data").get("type").asText()).isEqualTo("peer_down");
        assertThat(event.get("data").get("peer_id").asText()).isEqualTo(PEER.toString());
        assertThat(event.get("data").get("previous").asText()).isEqualTo("suspect");
        assertThat(json(sent.get(2)).get("type").asText()).isEqualTo("status");
    }

    @Test
    void ping_is_answered_with_pong_and_garbage_with_an_error() throws Exception {
        RecordingChannel client = new RecordingChannel("a", RecordingChannel.Mode.FAST);
        hub.connect(client);
        Await.until("status", WAIT, () -> client.sent().size() == 1, ok -> ok);

        hub.onMessage(client, "{\"type\":\"ping\"}");
        hub.onMessage(client, "not json");

        JsonNode pong = json(client.sent().get(1));
        assertThat(pong.get("type").asText()).isEqualTo("pong");
        assertThat(pong.get("timestamp").asText()).isEqualTo("2026-01-01T12:00:00Z");
        assertThat(json(client.sent().get(2)).get("type").asText()).isEqualTo("error");
        assertThat(hub.clientCount()).isEqualTo(1);
    }

    @Test
    void a_client_that_stops_reading_is_dropped_and_the_others_keep_receiving() {
        RecordingChannel stalled = new RecordingChannel("slow", RecordingChannel.Mode.STALLED);
        RecordingChannel fast = new RecordingChannel("fast", RecordingChannel.Mode.FAST);
        hub.connect(stalled);
        hub.connect(fast);
        Await.until("both got the status", WAIT, () -> stalled.sent().size() == 1 && fast.sent().size() == 1, ok -> ok);

        for (int i = 0; i < 20; i++) {
            hub.onEvent(new SyncEvent.TableSynced(NOW, PEER, "users", i));
        }

        // One send in flight plus a queue of 4: the 6th message overflows.
        assertThat(stalled.closeCode()).isEqualTo(EventHub.CLOSE_TOO_SLOW);
        assertThat(stalled.sent()).hasSize(1);
        assertThat(fast.sent()).hasSize(21);
        assertThat(hub.clientCount()).isEqualTo(1);
    }

    @Test
    void a_client_whose_send_fails_is_dropped() {
        RecordingChannel broken = new RecordingChannel("broken", RecordingChannel.Mode.FAILING);

        hub.connect(broken);

        // The hub forgets the client before it closes the channel, so wait for the close, the later of the two.
        Await.until("broken client closed", WAIT, broken::closeCode, code -> code == EventHub.CLOSE_TOO_SLOW);
        assertThat(hub.clientCount()).isZero();
    }

    @Test
    void every_event_type_has_a_wire_name() {
        PeerInfo peer = new PeerInfo(PEER, "n2", "h", 1, 2, "", PeerOrigin.MANUAL, PeerState.ACTIVE, NOW, NOW);
        dev.peersync.core.Version v = new dev.peersync.core.Version(5, PEER);
        List<SyncEvent> events = List.of(
                new SyncEvent.TableSynced(NOW, PEER, "users", 1),
                new SyncEvent.ConflictResolved(NOW, "users", "[\"k\"]", v, v, "update_update", "merged"),
                new SyncEvent.ConflictsLogged(NOW, "users", "update_update", 1),
                new SyncEvent.RowParked(NOW, PEER, "reviews", "[\"k\"]", "missing parent"),
                new SyncEvent.RowUnparked(NOW, "reviews", "[\"k\"]"),
                new SyncEvent.ParkedRowExpired(NOW, PEER, "reviews", "[\"k\"]", "missing parent"),
                new SyncEvent.PeerChanged(NOW, new PeerStateChange(peer, null, PeerState.ACTIVE)),
                new SyncEvent.PeerChanged(NOW, new PeerStateChange(peer, PeerState.ACTIVE, PeerState.SUSPECT)),
                new SyncEvent.ClockSkewDetected(NOW, PEER, 120_000, "refused"),
                new SyncEvent.SyncRoundCompleted(NOW, PEER, 3, 1, 12, null));

        assertThat(events).extracting(EventMessages::eventType).containsExactly("table_synced", "conflict_resolved",
                "conflicts_logged", "row_parked", "row_unparked", "row_expired", "peer_up", "peer_suspect", "clock_skew", "sync_round");
        EventMessages messages = new EventMessages(mapper);
        for (SyncEvent event : events) {
            assertThat(messages.syncEvent(event)).contains("\"timestamp\":\"2026-01-01T12:00:00Z\"");
        }
    }
}
