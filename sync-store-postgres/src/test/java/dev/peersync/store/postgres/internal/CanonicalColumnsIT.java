package dev.peersync.store.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peersync.core.NodeId;
import dev.peersync.core.spi.RowChange;
import dev.peersync.store.postgres.PgSyncStore;
import dev.peersync.core.store.StoreSettings;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The apply makes received column versions canonical in Java ({@link IncomingRows#canonicalColumns}), a snapshot load
 * in SQL ({@code cv_normal}): the two agree on every case, and both refuse a malformed one.
 */
class CanonicalColumnsIT {
    private static final NodeId LOW = new NodeId(java.util.UUID.fromString("00000000-0000-0000-0000-000000000001"));
    private static final NodeId HIGH = new NodeId(java.util.UUID.fromString("ffffffff-0000-0000-0000-000000000001"));

    @Test
    void java_and_sql_agree() {
        TestDatabase db = PostgresServer.shared().createDatabase("canonical_cv");
        try {
            Jdbi jdbi = Jdbi.create(db.dataSource());
            jdbi.useHandle(h -> h.execute("CREATE TABLE t (id int PRIMARY KEY)"));
            PgSyncStore.install(db.dataSource(), StoreSettings.of(List.of("t")));
            List<String> cvs = new ArrayList<>();
            cvs.add(null);
            cvs.add("{}");
            cvs.add("{\"a\": [99, \"" + LOW + "\"]}");
            cvs.add("{\"a\": [100, \"" + LOW + "\"]}");
            cvs.add("{\"a\": [100, \"" + HIGH + "\"]}");
            cvs.add("{\"a\": [101, \"" + LOW + "\"]}");
            cvs.add("{\"b\": [5, \"" + HIGH + "\"], \"a\": [100, \"" + LOW + "\"], \"c\\\"q\": [7, \"" + LOW + "\"]}");
            cvs.add("{\"b\": [500, \"" + HIGH + "\"], \"a\": [200, \"" + LOW + "\"]}");
            List<String> mismatches = new ArrayList<>();
            for (String cv : cvs) {
                for (boolean deleted : new boolean[] {false, true}) {
                    for (NodeId origin : List.of(LOW, HIGH)) {
                        RowChange row = new RowChange("t", "[1]", 100, origin, deleted, deleted ? null : "{\"id\": 1}",
                                false, 0, cv, null);
                        String java = IncomingRows.canonicalColumns(row);
                        Boolean same = jdbi.withHandle(h -> h.createQuery("SELECT peersync.cv_normal(CAST(:cv AS jsonb),"
                                        + " 100, CAST(:o AS uuid), :d) IS NOT DISTINCT FROM CAST(:java AS jsonb)")
                                .bind("cv", cv).bind("o", origin.value()).bind("d", deleted).bind("java", java)
                                .mapTo(Boolean.class).one());
                        if (!same) {
                            mismatches.add(cv + " deleted " + deleted + " origin " + origin + ": java " + java);
                        }
                    }
                }
            }
            assertThat(mismatches).isEmpty();
            RowChange bad = new RowChange("t", "[1]", 100, LOW, false, "{\"id\": 1}", false, 0, "{\"a\": [\"x\", 1]}", null);
            assertThatThrownBy(() -> IncomingRows.canonicalColumns(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nothing was applied");
        } finally {
            db.drop();
        }
    }

    /**
     * Java writes column versions as the text PostgreSQL prints for the jsonb value ({@code ColumnVersions.format}), so
     * it hashes them as the database does ({@code DigestHash.columnVersionsHash} against {@code cv_hash}), but for the
     * entries of columns no write reached, which only the database leaves out.
     */
    @Test
    void java_writes_and_hashes_column_versions_as_the_database_does() {
        TestDatabase db = PostgresServer.shared().createDatabase("cv_text");
        try {
            Jdbi jdbi = Jdbi.create(db.dataSource());
            jdbi.useHandle(h -> h.execute("CREATE TABLE t (id int PRIMARY KEY)"));
            PgSyncStore.install(db.dataSource(), StoreSettings.of(List.of("t")));
            dev.peersync.core.Version low = new dev.peersync.core.Version(117725949336551424L, LOW);
            dev.peersync.core.Version high = new dev.peersync.core.Version(7, HIGH);
            List<java.util.Map<String, dev.peersync.core.Version>> cases = List.of(
                    java.util.Map.of("rating", low),
                    java.util.Map.of("body", low, "title", high, "user_id", low, "created_at", high, "a", low),
                    // same length: bytewise; non-ASCII is longer in UTF-8 than in chars
                    java.util.Map.of("ab", low, "aB", high, "é", low, "zz", high, "ü1", low),
                    java.util.Map.of("q\"uote", low, "back\\slash", high, "tab\there", low, "nl\nx", high,
                            "bell\u0007", low, "sp ace", high, "\u2603", low));
            List<String> mismatches = new ArrayList<>();
            for (java.util.Map<String, dev.peersync.core.Version> versions : cases) {
                String text = dev.peersync.core.ColumnVersions.format(versions);
                record Db(String text, long hash) {
                }
                Db byDb = jdbi.withHandle(h -> h.createQuery("SELECT CAST(:t AS jsonb)::text, peersync.cv_hash(CAST(:t AS"
                        + " jsonb))").bind("t", text).map((rs, ctx) -> new Db(rs.getString(1), rs.getLong(2))).one());
                if (!byDb.text().equals(text) || byDb.hash() != dev.peersync.core.spi.DigestHash.columnVersionsHash(text)) {
                    mismatches.add(text + ": the database prints " + byDb.text() + ", hashes " + byDb.hash());
                }
            }
            assertThat(mismatches).isEmpty();
            assertThat(dev.peersync.core.spi.DigestHash.columnVersionsHash(null)).isZero();
            assertThat(dev.peersync.core.spi.DigestHash.columnVersionsHash(dev.peersync.core.ColumnVersions.format(
                    java.util.Map.of("a", low, "b", new dev.peersync.core.Version(3, NodeId.NEVER)))))
                    .as("a column no write reached: the database's to hash").isNull();
        } finally {
            db.drop();
        }
    }
}
