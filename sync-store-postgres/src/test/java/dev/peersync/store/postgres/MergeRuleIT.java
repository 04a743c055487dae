package dev.peersync.store.postgres;

import dev.peersync.core.ColumnVersions;
import dev.peersync.core.MergeRule;
import dev.peersync.core.NodeId;
import dev.peersync.core.Version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.core.MergeRule.Outcome;
import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The merge rule's Java predicate and its SQL agree on every case, and the cases say what the rule is. */
class MergeRuleIT {
    private static final NodeId A = NodeId.parse("00000000-0000-0000-0000-00000000000a");
    private static final NodeId B = NodeId.parse("00000000-0000-0000-0000-00000000000b");

    private static MergeRule.Side side(long hlc, NodeId node, boolean deleted, boolean derived) {
        return new MergeRule.Side(new Version(hlc, node), deleted, derived);
    }

    /** A live row at {@code hlc}/{@code node} whose listed columns carry the given lower versions. */
    private static MergeRule.Side row(long hlc, NodeId node, Object... columnVersions) {
        Map<String, Version> columns = new LinkedHashMap<>();
        for (int i = 0; i < columnVersions.length; i += 3) {
            columns.put((String) columnVersions[i], new Version((Long) columnVersions[i + 1], (NodeId) columnVersions[i + 2]));
        }
        return new MergeRule.Side(new Version(hlc, node), false, false, columns);
    }

    @Test
    void the_java_rule_and_the_sql_agree_on_every_pair_of_sides() {
        List<MergeRule.Side> sides = new ArrayList<>();
        List<Map<String, Version>> columnSets = List.of(Map.of(), Map.of("price", new Version(1, A)),
                Map.of("price", new Version(1, B)), Map.of("name", new Version(1, A)),
                Map.of("price", new Version(1, A), "name", new Version(2, A)), Map.of("name", new Version(2, B)));
        for (Version v : List.of(new Version(1, A), new Version(2, A), new Version(2, B), new Version(3, A))) {
            for (boolean deleted : new boolean[] {false, true}) {
                for (boolean derived : new boolean[] {false, true}) {
                    for (Map<String, Version> columns : columnSets) {
                        boolean below = columns.values().stream().allMatch(c -> c.compareTo(v) < 0);
                        if (below && (!deleted || columns.isEmpty())) {
                            sides.add(new MergeRule.Side(v, deleted, derived, columns));
                        }
                    }
                }
            }
        }
        List<MergeRule.Side> locals = new ArrayList<>(sides);
        locals.add(null);
        TestDatabase db = PostgresServer.shared().createDatabase("merge_rule");
        try {
            Jdbi jdbi = Jdbi.create(db.dataSource());
            MergeRule.Columns inCols = new MergeRule.Columns(":ih", "CAST(:io AS uuid)", ":id", ":iv", "CAST(:icv AS jsonb)");
            MergeRule.Columns localCols = new MergeRule.Columns("CAST(:lh AS bigint)", "CAST(:lo AS uuid)", ":ld", ":lv",
                    "CAST(:lcv AS jsonb)");
            String sql = "SELECT " + MergeRule.outcomeSql(inCols, localCols) + " || '/' || "
                    + MergeRule.notBehindSql(inCols, localCols);
            List<String> mismatches = new ArrayList<>();
            Map<Outcome, Integer> seen = new LinkedHashMap<>();
            for (MergeRule.Side in : sides) {
                for (MergeRule.Side local : locals) {
                    Outcome java = MergeRule.outcome(in, local);
                    boolean notBehind = MergeRule.notBehind(in, local);
                    seen.merge(java, 1, Integer::sum);
                    if (java == Outcome.INCOMING && !notBehind) {
                        mismatches.add(in + " vs " + local + ": wins but is behind");
                    }
                    String db2 = jdbi.withHandle(h -> h.createQuery(sql)
                            .bind("ih", in.version().hlc()).bind("io", in.version().node().toString())
                            .bind("id", in.deleted()).bind("iv", in.derived())
                            .bind("icv", ColumnVersions.format(in.columns()))
                            .bind("lh", local == null ? null : local.version().hlc())
                            .bind("lo", local == null ? null : local.version().node().toString())
                            .bind("ld", local != null && local.deleted()).bind("lv", local != null && local.derived())
                            .bind("lcv", local == null ? null : ColumnVersions.format(local.columns()))
                            .mapTo(String.class).one());
                    String expected = switch (java) {
                        case INCOMING -> "win";
                        case LOCAL -> "skip";
                        case MERGE -> "merge";
                    } + "/" + notBehind;
                    if (!expected.equals(db2)) {
                        mismatches.add(in + " vs " + local + ": java " + java + ", sql " + db2);
                    }
                }
            }
            assertThat(mismatches).as("of %d cases", sides.size() * locals.size()).isEmpty();
            assertThat(seen).as("every outcome is exercised").containsKeys(Outcome.values());
        } finally {
            db.drop();
        }
    }

    @Test
    void the_higher_version_wins_and_within_one_version_the_row_as_written_beats_derived_data_and_tombstones() {
        assertThat(MergeRule.incomingWins(side(1, A, false, false), null)).as("nothing held").isTrue();
        assertThat(MergeRule.incomingWins(side(2, A, true, false), side(1, B, false, false))).isTrue();
        assertThat(MergeRule.incomingWins(side(1, B, false, false), side(2, A, true, false))).isFalse();
        assertThat(MergeRule.incomingWins(side(2, B, false, false), side(2, A, false, false))).as("node breaks ties")
                .isTrue();
        assertThat(MergeRule.incomingWins(side(2, A, false, false), side(2, A, false, false))).as("idempotent").isFalse();
        assertThat(MergeRule.incomingWins(side(2, A, false, false), side(2, A, false, true))).isTrue();
        assertThat(MergeRule.incomingWins(side(2, A, false, true), side(2, A, true, true))).as("live beats derived tombstone")
                .isTrue();
        assertThat(MergeRule.incomingWins(side(2, A, false, true), side(2, A, false, false))).isFalse();
        assertThat(MergeRule.incomingWins(side(2, A, true, false), side(2, A, false, true))).isFalse();
    }

    @Test
    void live_rows_merge_column_by_column_and_tombstones_compare_row_versions() {
        // Both edited a row written at 1: A changed the price at 3 (name still at 1), B the name at 2 (price at 1).
        MergeRule.Side priceByA = row(3, A, "name", 1L, A);
        MergeRule.Side nameByB = row(2, B, "price", 1L, A);
        assertThat(MergeRule.outcome(priceByA, nameByB)).as("concurrent edits of different columns").isEqualTo(Outcome.MERGE);
        assertThat(MergeRule.outcome(nameByB, priceByA)).isEqualTo(Outcome.MERGE);
        // The same column edited on both: the later edit wins, whole.
        MergeRule.Side priceByB = row(2, B, "name", 1L, A);
        assertThat(MergeRule.outcome(priceByA, priceByB)).as("same column, higher version").isEqualTo(Outcome.INCOMING);
        assertThat(MergeRule.outcome(priceByB, priceByA)).isEqualTo(Outcome.LOCAL);
        // Sequential: B edited the name after seeing A's price edit, so B holds A's price version: B is ahead everywhere.
        MergeRule.Side nameAfterPrice = row(4, B, "price", 3L, A);
        assertThat(MergeRule.outcome(nameAfterPrice, priceByA)).isEqualTo(Outcome.INCOMING);
        assertThat(MergeRule.outcome(priceByA, nameAfterPrice)).isEqualTo(Outcome.LOCAL);
        // Insert vs insert of one key: every column of the later insert is later.
        assertThat(MergeRule.outcome(row(5, B), row(4, A))).isEqualTo(Outcome.INCOMING);
        // Update vs delete, delete vs insert: the row versions decide.
        assertThat(MergeRule.outcome(side(5, B, true, false), priceByA)).as("a later delete wins").isEqualTo(Outcome.INCOMING);
        assertThat(MergeRule.outcome(priceByA, side(2, B, true, false))).as("a row written after the delete comes back")
                .isEqualTo(Outcome.INCOMING);
        assertThat(MergeRule.outcome(side(2, B, true, false), priceByA)).isEqualTo(Outcome.LOCAL);
    }
}
