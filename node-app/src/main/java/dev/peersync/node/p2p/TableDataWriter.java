package dev.peersync.node.p2p;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.peersync.core.spi.RowChange;
import dev.peersync.core.store.SyncStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * Streams {@code GET /api/v1/p2p/table-data/{table}}: live rows ordered by primary key, read from the store in
 * pages of at most {@link #PAGE_ROWS} and written as they come, so neither side ever holds the table in memory.
 * <pre>
 * {"table":"users","rows":[{"pk":["…"],"hlc":123,"origin":"…","data":{…}},…],"count":2,"next_after":"[\"…\"]"}
 * </pre>
 * {@code next_after} (null at the end) is passed back as {@code ?after=} to read the next page.
 */
final class TableDataWriter {
    static final int PAGE_ROWS = 500;

    private final SyncStore store;
    private final JsonFactory json;

    TableDataWriter(SyncStore store, JsonFactory json) {
        this.store = Objects.requireNonNull(store, "store");
        this.json = Objects.requireNonNull(json, "json");
    }

    void write(String table, String after, int limit, OutputStream out) throws IOException {
        try (JsonGenerator gen = json.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("table", table);
            gen.writeArrayFieldStart("rows");
            String cursor = after;
            int written = 0;
            boolean more = true;
            while (more && written < limit) {
                int page = Math.min(PAGE_ROWS, limit - written);
                List<RowChange> rows = store.scanRows(table, cursor, page);
                for (RowChange row : rows) {
                    gen.writeStartObject();
                    gen.writeFieldName("pk");
                    gen.writeRawValue(row.pk());
                    gen.writeNumberField("hlc", row.hlc());
                    gen.writeStringField("origin", row.origin().toString());
                    gen.writeFieldName("data");
                    gen.writeRawValue(row.data() == null ? "null" : row.data());
                    gen.writeEndObject();
                    cursor = row.pk();
                }
                written += rows.size();
                more = rows.size() == page;
                gen.flush();
            }
            gen.writeEndArray();
            gen.writeNumberField("count", written);
            if (more) {
                gen.writeStringField("next_after", cursor);
            } else {
                gen.writeNullField("next_after");
            }
            gen.writeEndObject();
        }
    }
}
