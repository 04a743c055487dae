package dev.peersync.store.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.NodeId;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The SQL and the Java form of "the holder of this cursor already has that version" agree on every case. */
class FeedCursorHoldsIT {
    private static final NodeId NODE = NodeId.random();

    @Test
    void sql_and_java_agree() {
        TestDatabase db = PostgresServer.shared().createDatabase("holds");
        try {
            Jdbi jdbi = Jdbi.create(db.dataSource());
            List<FeedCursor> cursors = List.of(
                    FeedCursor.start(NODE, "100:105:101,103"),
                    new FeedCursor(NODE, FeedCursor.NOTHING, "100:105:101,103", "102", 50),
                    new FeedCursor(NODE, "100:105:101,103", "103:110:104,108", "103", 70),
                    new FeedCursor(NODE, "100:105:101,103", "103:110:104,108", "105", Long.MIN_VALUE),
                    FeedCursor.at(NODE, "120:125:121"),
                    new FeedCursor(NODE, "120:120:", "130:140:", "135", Long.MAX_VALUE));
            List<String> mismatches = new ArrayList<>();
            int cases = 0;
            for (FeedCursor cursor : cursors) {
                for (long otx = 98; otx <= 142; otx++) {
                    for (long hlc : new long[] {Long.MIN_VALUE, 49, 50, 51, 70, 71, Long.MAX_VALUE}) {
                        boolean java = cursor.holds(otx, hlc);
                        long x = otx;
                        boolean sql = jdbi.withHandle(h -> h.createQuery("SELECT " + cursor.holds(":otx::text::xid8",
                                ":hlc")).bind("otx", x).bind("hlc", hlc).mapTo(Boolean.class).one());
                        cases++;
                        if (java != sql) {
                            mismatches.add(cursor.format() + " otx " + otx + " hlc " + hlc + ": java " + java
                                    + ", sql " + sql);
                        }
                    }
                }
            }
            assertThat(mismatches).as("of %d cases", cases).isEmpty();
            assertThat(new FeedCursor(NODE, "100:105:101,103", "103:110:104,108", "103", 70).holds(103, 70)).isTrue();
            assertThat(new FeedCursor(NODE, "100:105:101,103", "103:110:104,108", "103", 70).holds(106, 1)).isFalse();
            assertThat(FeedCursor.start(NODE, "100:105:").holds(0, 0)).as("unknown origin transaction").isFalse();
        } finally {
            db.drop();
        }
    }
}
