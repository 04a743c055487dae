package dev.peersync.node.ws;

import dev.peersync.node.p2p.JoinProgressView;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peersync.core.Version;
import dev.peersync.core.event.SyncEvent;
import dev.peersync.core.peer.PeerInfo;
import dev.peersync.core.peer.PeerState;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The JSON messages of the WebSocket {@code /api/v1/p2p/ws}, in the guide's shapes:
 * <pre>
 * {"type":"status","data":{...same as GET /api/v1/p2p/status...}}
 * {"type":"sync_event","data":{"type":"table_synced","table":"users","count":10,"peer":"...","timestamp":"..."}}
 * {"type":"pong","timestamp":"..."}
 * </pre>
 * Event types: table_synced, conflict_resolved, row_parked, row_unparked, peer_up, peer_suspect, peer_down,
 * clock_skew, sync_round. Timestamps are ISO-8601 instants in UTC.
 */
public final class EventMessages {
    private final ObjectMapper mapper;

    public EventMessages(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    public String status(Object statusData) {
        ObjectNode root = mapper.createObjectNode();
        root.put("type", "status");
        root.set("data", mapper.valueToTree(statusData));
        return write(root);
    }

    public String pong(Instant now) {
        ObjectNode root = mapper.createObjectNode();
        root.put("type", "pong");
        root.put("timestamp", now.toString());
        return write(root);
    }

    public String error(String message) {
        ObjectNode root = mapper.createObjectNode();
        root.put("type", "error");
        root.put("message", message);
        return write(root);
    }

    public String syncEvent(SyncEvent event) {
        ObjectNode root = mapper.createObjectNode();
        root.put("type", "sync_event");
        root.set("data", eventData(event));
        return write(root);
    }

    /** The {@code data} object of a sync_event. */
    public ObjectNode eventData(SyncEvent event) {
        ObjectNode data = mapper.createObjectNode();
        data.put("type", eventType(event));
        if (event instanceof SyncEvent.TableSynced e) {
            data.put("table", e.table());
            data.put("count", e.count());
            data.put("peer", e.peer().toString());
        } else if (event instanceof SyncEvent.ConflictResolved e) {
            data.put("table", e.table());
            data.put("pk", e.pk());
            data.set("winner", version(e.winner()));
            data.set("loser", version(e.loser()));
            data.put("conflict_type", e.type());
            data.put("resolution", e.resolution());
        } else if (event instanceof SyncEvent.ConflictsLogged e) {
            data.put("table", e.table());
            data.put("conflict_type", e.type());
            data.put("count", e.count());
        } else if (event instanceof SyncEvent.RowParked e) {
            data.put("table", e.table());
            data.put("pk", e.pk());
            data.put("peer", e.peer().toString());
            data.put("reason", e.reason());
        } else if (event instanceof SyncEvent.RowUnparked e) {
            data.put("table", e.table());
            data.put("pk", e.pk());
        } else if (event instanceof SyncEvent.ParkedRowExpired e) {
            data.put("table", e.table());
            data.put("pk", e.pk());
            data.put("peer", e.peer().toString());
            data.put("reason", e.reason());
        } else if (event instanceof SyncEvent.PeerChanged e) {
            PeerInfo peer = e.change().peer();
            data.put("peer_id", peer.nodeId().toString());
            data.put("name", peer.name());
            data.put("host", peer.host());
            data.put("api_port", peer.apiPort());
            data.put("p2p_port", peer.p2pPort());
            data.put("previous", e.change().previous() == null ? "new" : stateName(e.change().previous()));
            data.put("state", stateName(e.change().current()));
        } else if (event instanceof SyncEvent.ClockSkewDetected e) {
            data.put("peer", e.peer().toString());
            data.put("ahead_ms", e.aheadMillis());
            data.put("action", e.action());
        } else if (event instanceof SyncEvent.ProgressReported e) {
            data.setAll((ObjectNode) mapper.valueToTree(JoinProgressView.render(e.progress(), e.at())));
        } else if (event instanceof SyncEvent.SyncRoundCompleted e) {
            data.put("peer", e.peer().toString());
            data.put("rows_applied", e.rowsApplied());
            data.put("batches", e.batches());
            data.put("duration_ms", e.durationMillis());
            if (e.error() == null) {
                data.putNull("error");
            } else {
                data.put("error", e.error());
            }
        }
        data.put("timestamp", event.at().toString());
        return data;
    }

    /** The event's name on the wire. */
    public static String eventType(SyncEvent event) {
        if (event instanceof SyncEvent.TableSynced) {
            return "table_synced";
        } else if (event instanceof SyncEvent.ConflictResolved) {
            return "conflict_resolved";
        } else if (event instanceof SyncEvent.ConflictsLogged) {
            return "conflicts_logged";
        } else if (event instanceof SyncEvent.RowParked) {
            return "row_parked";
        } else if (event instanceof SyncEvent.RowUnparked) {
            return "row_unparked";
        } else if (event instanceof SyncEvent.ParkedRowExpired) {
            return "row_expired";
        } else if (event instanceof SyncEvent.PeerChanged e) {
            return switch (e.change().current()) {
                case ACTIVE -> "peer_up";
                case SUSPECT -> "peer_suspect";
                case GONE -> "peer_down";
            };
        } else if (event instanceof SyncEvent.ClockSkewDetected) {
            return "clock_skew";
        } else if (event instanceof SyncEvent.SyncRoundCompleted) {
            return "sync_round";
        } else if (event instanceof SyncEvent.ProgressReported e) {
            return e.progress().kind() == dev.peersync.core.engine.JoinProgress.Kind.JOIN ? "join_progress"
                    : "catch_up_progress";
        }
        throw new IllegalArgumentException("unknown sync event type: " + event.getClass().getName());
    }

    /** "active", "suspect" or "gone": how states are written in every JSON body. */
    public static String stateName(PeerState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private ObjectNode version(Version version) {
        ObjectNode node = mapper.createObjectNode();
        node.put("hlc", version.hlc());
        node.put("node_id", version.node().toString());
        return node;
    }

    private String write(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a WebSocket message: " + e.getMessage(), e);
        }
    }
}
