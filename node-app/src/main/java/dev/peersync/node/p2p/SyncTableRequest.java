package dev.peersync.node.p2p;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.NodeId;
import dev.peersync.core.spi.RowChange;
import dev.peersync.review.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /api/v1/p2p/sync-table/{table}}: rows a peer sends, applied with the same merge rule
 * as pulled rows.
 * <pre>
 * {"peer_id":"<sender node id>",
 *  "rows":[{"pk":["…"],"hlc":123,"origin":"<writer node id>","deleted":false,"data":{…}}]}
 * </pre>
 * {@code pk} is the key as a JSON array (as table-data writes it); {@code data} is required unless deleted.
 */
public record SyncTableRequest(NodeId peer, List<RowChange> rows) {
    static final int MAX_ROWS = 1000;
    private static final Set<String> FIELDS = Set.of("peer_id", "rows");
    private static final Set<String> ROW_FIELDS = Set.of("pk", "hlc", "origin", "deleted", "data");

    static SyncTableRequest parse(ObjectMapper mapper, String table, String body) {
        JsonNode node = JsonBodies.object(mapper, body);
        JsonBodies.onlyKnownFields(node, FIELDS);
        NodeId peer = nodeId(JsonBodies.requiredText(node, "peer_id"), "peer_id");
        JsonNode rows = node.get("rows");
        if (rows == null || !rows.isArray()) {
            throw ApiException.invalidField("rows", "is required and must be an array");
        }
        if (rows.size() > MAX_ROWS) {
            throw ApiException.invalidField("rows", "may hold at most " + MAX_ROWS + " rows per request, got: "
                    + rows.size());
        }
        List<RowChange> changes = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            changes.add(row(mapper, table, rows.get(i), "rows[" + i + "]"));
        }
        return new SyncTableRequest(peer, changes);
    }

    private static RowChange row(ObjectMapper mapper, String table, JsonNode row, String path) {
        if (!row.isObject()) {
            throw ApiException.invalidField(path, "must be an object");
        }
        row.fieldNames().forEachRemaining(name -> {
            if (!ROW_FIELDS.contains(name)) {
                throw ApiException.invalidField(path + "." + name, "is not a known field; known: " + ROW_FIELDS);
            }
        });
        JsonNode pk = row.get("pk");
        if (pk == null || !pk.isArray() || pk.isEmpty()) {
            throw ApiException.invalidField(path + ".pk", "must be a non-empty array of key column values");
        }
        JsonNode hlc = row.get("hlc");
        if (hlc == null || !hlc.isIntegralNumber() || !hlc.canConvertToLong() || hlc.asLong() <= 0) {
            throw ApiException.invalidField(path + ".hlc", "must be a positive whole number");
        }
        JsonNode origin = row.get("origin");
        if (origin == null || !origin.isTextual()) {
            throw ApiException.invalidField(path + ".origin", "must be the writer's node id (a UUID)");
        }
        JsonNode deleted = row.get("deleted");
        if (deleted != null && !deleted.isBoolean()) {
            throw ApiException.invalidField(path + ".deleted", "must be true or false");
        }
        boolean tombstone = deleted != null && deleted.asBoolean();
        JsonNode data = row.get("data");
        if (!tombstone && (data == null || !data.isObject())) {
            throw ApiException.invalidField(path + ".data", "must be the row as a JSON object (unless deleted)");
        }
        return new RowChange(table, write(mapper, pk), hlc.asLong(), nodeId(origin.asText(), path + ".origin"),
                tombstone, tombstone ? null : write(mapper, data));
    }

    private static NodeId nodeId(String text, String field) {
        try {
            return NodeId.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField(field, "must be a node id (UUID), got: '" + text + "'");
        }
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not re-serialise a parsed JSON value", e);
        }
    }
}
