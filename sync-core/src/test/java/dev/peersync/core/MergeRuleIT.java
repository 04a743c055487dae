package dev.peersync.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.testing.PostgresServer;
import dev.peersync.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The merge rule's Java predicate and its SQL agree on every case, and the cases say what the rule is. */
class MergeRuleIT {
    private static final NodeId A = NodeId.parse("00000000-0000-0000-0000-00000000000a");
    private static final NodeId B = NodeId.parse("00000000-0000-0000-0000-00000000000b");

    private static MergeRule.Side side(long hlc, NodeId node, boolean deleted, boolean derived) {
        return new MergeRule.Side(new Version(hlc, node), deleted, derived);
    }

    @Test
    void the_java_predicate_and_the_sql_agree_on_every_pair_of_sides() {
        List<MergeRule.Side> sides = new ArrayList<>();
        for (Version v : List.of(new Version(1, A), new Version(2, A), new Version(2, B))) {
            for (boolean deleted : new boolean[] {false, true}) {
                for (boolean derived : new boolean[] {false, true}) {
                    sides.add(new MergeRule.Side(v, deleted, derived));
                }
            }
        }
        List<MergeRule.Side> locals = new ArrayList<>(sides);
        locals.add(null);
        TestDatabase db = PostgresServer.shared().createDatabase("merge_rule");
        try {
            Jdbi jdbi = Jdbi.create(db.dataSource());
            String sql = "SELECT " + MergeRule.incomingWinsSql(
                    new MergeRule.Columns(":ih", ":io::uuid", ":id", ":iv"),
                    new MergeRule.Columns("CAST(:lh AS bigint)", "CAST(:lo AS uuid)", ":ld", ":lv"));
            List<String> mismatches = new ArrayList<>();
            for (MergeRule.Side in : sides) {
                for (MergeRule.Side local : locals) {
                    boolean java = MergeRule.incomingWins(in, local);
                    boolean db2 = jdbi.withHandle(h -> h.createQuery(sql)
                            .bind("ih", in.version().hlc()).bind("io", in.version().node().toString())
                            .bind("id", in.deleted()).bind("iv", in.derived())
                            .bind("lh", local == null ? null : local.version().hlc())
                            .bind("lo", local == null ? null : local.version().node().toString())
                            .bind("ld", local != null && local.deleted()).bind("lv", local != null && local.derived())
                            .mapTo(Boolean.class).one());
                    if (java != db2) {
                        mismatches.add(in + " vs " + local + ": java " + java + ", sql " + db2);
                    }
                }
            }
            assertThat(mismatches).as("of %d cases", sides.size() * locals.size()).isEmpty();
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
}
