package dev.peersync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.testing.LocalPgCluster;
import dev.peersync.testing.Prerequisite;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The store's statements are never JIT-compiled. On a server built with LLVM (the machine's packaged PostgreSQL, the
 * official images) the feed's plan, priced high by {@code enable_sort = off}, was compiled on every page: 1.3 s of
 * compilation for a page of three rows, which held a restored node's writes back for minutes under load (RestoreIT).
 * Here every plan above a low cost qualifies, and {@code pg_stat_statements} tells which were compiled.
 */
class JitIT {
    @Test
    void pulls_applies_and_digests_compile_no_statement_on_a_server_with_jit() {
        LocalPgCluster.require();
        try (LocalPgCluster server = LocalPgCluster.start("jit",
                List.of("shared_preload_libraries=pg_stat_statements", "jit_above_cost=1000"))) {
            TestNode a = TestNode.on(server.createDatabase("jit_a"));
            TestNode b = TestNode.on(server.createDatabase("jit_b"));
            Jdbi stats = Jdbi.create(a.dataSource);
            stats.useHandle(h -> h.execute("CREATE EXTENSION pg_stat_statements"));
            boolean available = stats.withHandle(h -> h.createQuery("SELECT pg_jit_available()").mapTo(Boolean.class).one());
            Prerequisite.require(available, "JIT in the machine's PostgreSQL (built with LLVM)",
                    "install the distribution's package (apt-get install postgresql), which has it, or point"
                            + " PEERSYNC_PG_BIN at such a build");
            a.sql("INSERT INTO users SELECT gen_random_uuid(), 'u' || g, now() FROM generate_series(1, 50) g");
            a.sql("INSERT INTO products SELECT gen_random_uuid(), 'p' || g, g FROM generate_series(1, 20) g");
            stats.useHandle(h -> h.execute("SELECT pg_stat_statements_reset()"));

            stats.useHandle(h -> { // an application's statement that qualifies: compiled, JIT works here
                h.execute("SET jit_above_cost = 0");
                h.createQuery("SELECT count(*) FROM users").mapTo(Long.class).one();
            });
            assertThat(b.pullFrom(a, 7)).isEqualTo(70);
            b.sql("UPDATE users SET username = username || '_b' WHERE username LIKE 'u1%'");
            assertThat(a.pullFrom(b, 7)).isEqualTo(11);
            assertThat(b.store.digest("users")).isEqualTo(a.store.digest("users"));

            Map<String, Long> compiled = stats.withHandle(h -> h.createQuery("SELECT query, sum(jit_functions) AS n"
                            + " FROM pg_stat_statements WHERE jit_functions > 0 AND query NOT LIKE '%pg_stat_statements%'"
                            + " GROUP BY query")
                    .map((rs, ctx) -> Map.entry(rs.getString("query"), rs.getLong("n"))).list()).stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(compiled).as("statements compiled by JIT").containsOnlyKeys("SELECT count(*) FROM users");
        }
    }
}
