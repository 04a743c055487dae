package dev.peersync.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresServerTest {
    @RegisterExtension
    final PostgresExtension pg = PostgresExtension.perMethod();

    @Test
    void each_test_gets_an_empty_database_of_its_own() throws Exception {
        TestDatabase other = pg.newDatabase("other");
        try (Connection a = pg.database().dataSource().getConnection();
             Connection b = other.dataSource().getConnection();
             Statement sa = a.createStatement();
             Statement sb = b.createStatement()) {
            sa.execute("create table t(id int primary key)");
            sa.execute("insert into t values (1)");
            ResultSet rs = sb.executeQuery("select count(*) from pg_tables where tablename = 't'");
            rs.next();
            assertThat(rs.getInt(1)).isZero();
            ResultSet version = sa.executeQuery("show server_version_num");
            version.next();
            assertThat(Integer.parseInt(version.getString(1))).isGreaterThanOrEqualTo(120000);
        } finally {
            other.drop();
        }
    }
}
