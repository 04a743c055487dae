package dev.peersync.node.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peersync.core.Version;
import dev.peersync.core.store.ConflictQuery;
import dev.peersync.core.store.ConflictRecord;
import dev.peersync.core.store.SyncStore;
import dev.peersync.review.ApiException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code GET /api/v1/p2p/conflicts}: this node's conflict log, newest first, filtered by {@code table}, {@code type} and
 * {@code since}, paged by {@code limit} and {@code before} (the {@code next_before} of the previous page). The entries
 * hold whole rows (a user's password hash among them), so the endpoint needs the admin token, and answers 403 on a
 * node that has none configured.
 */
public final class ConflictRoutes implements Consumer<JavalinConfig> {
    static final String PATH = P2pRoutes.PREFIX + "/conflicts";
    private static final int DEFAULT_LIMIT = 50;
    private static final Set<String> TYPES = Set.of("update_update", "update_delete", "insert_insert",
            "unique_collision", "fk_orphan", "clock_skew");

    private final SyncStore store;
    private final AdminGuard admin;
    private final ObjectMapper mapper;

    public ConflictRoutes(SyncStore store, AdminGuard admin, ObjectMapper mapper) {
        this.store = Objects.requireNonNull(store, "store");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public void accept(JavalinConfig config) {
        config.routes.get(PATH, this::list);
    }

    private void list(Context ctx) {
        if (!admin.enabled()) {
            throw new ApiException(403, "admin_token_required", "The conflict log holds whole rows: set ADMIN_TOKEN"
                    + " on this node and send 'Authorization: Bearer <ADMIN_TOKEN>' to read it", Map.of());
        }
        admin.check(ctx);
        String table = ctx.queryParam("table");
        if (table != null && !store.tables().contains(table)) {
            throw ApiException.invalidField("table", "must be a synced table " + store.tables() + ", got: '" + table + "'");
        }
        String type = ctx.queryParam("type");
        if (type != null && !TYPES.contains(type)) {
            throw ApiException.invalidField("type", "must be one of " + TYPES + ", got: '" + type + "'");
        }
        Instant since = instant(ctx.queryParam("since"));
        Long before = number(ctx.queryParam("before"), "before", 1, Long.MAX_VALUE);
        Long limit = number(ctx.queryParam("limit"), "limit", 1, ConflictQuery.MAX_LIMIT);
        List<ConflictRecord> page = store.conflicts(new ConflictQuery(table, type, since, before,
                limit == null ? DEFAULT_LIMIT : limit.intValue()));
        ObjectNode body = mapper.createObjectNode();
        ArrayNode items = body.putArray("items");
        page.forEach(c -> items.add(json(c)));
        int asked = limit == null ? DEFAULT_LIMIT : limit.intValue();
        if (page.size() == asked) {
            body.put("next_before", page.get(page.size() - 1).id());
        } else {
            body.putNull("next_before");
        }
        ctx.json(body);
    }

    private ObjectNode json(ConflictRecord c) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", c.id());
        o.put("at", c.at().toString());
        o.put("table", c.table());
        o.put("pk", c.pk());
        o.put("type", c.type());
        o.put("resolution", c.resolution());
        o.set("local_version", version(c.local()));
        o.set("incoming_version", version(c.incoming()));
        o.set("local_row", row(c.localRow()));
        o.set("incoming_row", row(c.incomingRow()));
        o.put("peer", c.peer() == null ? null : c.peer().toString());
        o.put("detail", c.detail());
        return o;
    }

    private JsonNode version(Version v) {
        if (v == null) {
            return mapper.nullNode();
        }
        ObjectNode o = mapper.createObjectNode();
        o.put("hlc", v.hlc());
        o.put("node_id", v.node().toString());
        return o;
    }

    private JsonNode row(String json) {
        try {
            return json == null ? mapper.nullNode() : mapper.readTree(json);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidField("since", "must be an ISO-8601 instant like 2026-12-01T00:00:00Z, got: '"
                    + text + "'");
        }
    }

    private static Long number(String text, String name, long min, long max) {
        if (text == null) {
            return null;
        }
        try {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalidField(name, "must be a whole number in [" + min + ", " + max + "], got: '" + text + "'");
    }
}
