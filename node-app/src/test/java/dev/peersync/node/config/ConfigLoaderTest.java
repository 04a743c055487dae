package dev.peersync.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static NodeConfig load(Map<Setting, String> flags, Map<String, String> env, Map<String, String> dotenv) {
        return new ConfigLoader(flags, env, dotenv).load();
    }

    private static Map<Setting, String> flags(Setting setting, String value) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(setting, value);
        return flags;
    }

    @Test
    void defaults_follow_the_guide() {
        NodeConfig config = load(Map.of(), Map.of(), Map.of());

        assertThat(config.apiPort()).isEqualTo(8000);
        assertThat(config.p2pPort()).isEqualTo(8001);
        assertThat(config.discoveryPort()).isEqualTo(8002);
        assertThat(config.nodeName()).isEmpty();
        assertThat(config.p2pSyncEnabled()).isTrue();
        assertThat(config.autoDiscoveryEnabled()).isTrue();
        assertThat(config.syncInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.database()).isEmpty();
        assertThat(config.clusterSecret()).isEmpty();
        assertThat(config.authMode()).isEqualTo("protected");
        assertThat(config.clusterId()).isEqualTo("default");
        assertThat(config.jwtSecretGenerated()).isTrue();
        assertThat(config.jwtSecret()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(config.adminToken()).isEmpty();
        assertThat(config.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize());
        assertThat(config.maxClockOffset()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.effectiveDiscoveryPeerPorts()).containsExactly(8002, 8004, 8006);
        assertThat(config.embeddedPgPort()).isZero();
        assertThat(config.clockOffset()).isZero();
        assertThat(config.conflictRetention()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void conflict_retention_is_read_in_days_and_a_bad_one_names_the_variable() {
        assertThat(load(Map.of(), Map.of("CONFLICT_RETENTION_DAYS", "7"), Map.of()).conflictRetention())
                .isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> load(Map.of(), Map.of("CONFLICT_RETENTION_DAYS", "0"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CONFLICT_RETENTION_DAYS");
    }

    @Test
    void clock_offset_may_be_negative_and_a_bad_one_names_the_variable() {
        assertThat(load(Map.of(), Map.of("CLOCK_OFFSET_MS", "-300000"), Map.of()).clockOffset())
                .isEqualTo(Duration.ofMinutes(-5));
        assertThatThrownBy(() -> load(Map.of(), Map.of("CLOCK_OFFSET_MS", "5min"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CLOCK_OFFSET_MS");
    }

    @Test
    void site_migrations_must_name_a_directory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        assertThat(load(Map.of(), Map.of(), Map.of()).siteMigrations()).isEmpty();
        assertThat(load(Map.of(), Map.of("SITE_MIGRATIONS", dir.toString()), Map.of()).siteMigrations()).contains(dir);
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("V1000__x.sql"), "SELECT 1;");
        assertThatThrownBy(() -> load(Map.of(), Map.of("SITE_MIGRATIONS", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SITE_MIGRATIONS").hasMessageContaining("is not a directory");
    }

    @Test
    void log_level_and_format_are_checked() {
        assertThat(load(Map.of(), Map.of(), Map.of()).logging()).isEqualTo(NodeConfig.Logging.defaults());
        NodeConfig.Logging logging = load(flags(Setting.LOG_LEVEL, "Debug"), Map.of("LOG_FORMAT", "JSON"), Map.of())
                .logging();
        assertThat(logging.level()).isEqualTo("DEBUG");
        assertThat(logging.json()).isTrue();
        assertThatThrownBy(() -> load(Map.of(), Map.of("LOG_LEVEL", "verbose"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("LOG_LEVEL");
        assertThatThrownBy(() -> load(Map.of(), Map.of("LOG_FORMAT", "xml"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("LOG_FORMAT");
    }

    @Test
    void flag_beats_environment_beats_dotenv_beats_default() {
        Map<String, String> env = Map.of("API_PORT", "8010", "P2P_PORT", "8003");
        Map<String, String> dotenv = Map.of("API_PORT", "8020", "P2P_PORT", "8005", "DISCOVERY_PORT", "8006");

        NodeConfig config = load(flags(Setting.API_PORT, "9000"), env, dotenv);

        assertThat(config.apiPort()).isEqualTo(9000);
        assertThat(config.p2pPort()).isEqualTo(8003);
        assertThat(config.discoveryPort()).isEqualTo(8006);
        assertThat(config.syncInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void every_guide_variable_is_read_from_the_environment() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("API_PORT", "8010"), Map.entry("P2P_PORT", "8003"), Map.entry("DISCOVERY_PORT", "8004"),
                Map.entry("NODE_NAME", "node2"), Map.entry("ENABLE_P2P_SYNC", "false"),
                Map.entry("ENABLE_AUTO_DISCOVERY", "no"), Map.entry("SYNC_INTERVAL", "5"),
                Map.entry("DATABASE_URL", "postgresql://app:s3cr%40t@db2:5433/reviews?sslmode=disable"),
                Map.entry("CLUSTER_SECRET", "Zr8kWq2nVx5tLp9bHc3mJf7dGs1aYe4u"), Map.entry("CLUSTER_ID", "prod"),
                Map.entry("JWT_SECRET", "0123456789abcdef0123456789abcdef"), Map.entry("ADMIN_TOKEN", "adm-Q3v9Lx7Pz2Rk8Wm4Tn6Y"),
                Map.entry("DATA_DIR", "/var/lib/peersync"), Map.entry("MAX_CLOCK_OFFSET_MS", "5000"),
                Map.entry("DISCOVERY_PEER_PORTS", "8002, 8004,8006,8004"), Map.entry("EMBEDDED_PG_PORT", "15432"));

        NodeConfig config = load(Map.of(), env, Map.of());

        assertThat(config.nodeName()).contains("node2");
        assertThat(config.p2pSyncEnabled()).isFalse();
        assertThat(config.autoDiscoveryEnabled()).isFalse();
        assertThat(config.syncInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.database()).hasValueSatisfying(db -> {
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://db2:5433/reviews?sslmode=disable");
            assertThat(db.user()).contains("app");
            assertThat(db.password()).contains("s3cr@t");
        });
        assertThat(config.authMode()).isEqualTo("hmac");
        assertThat(config.clusterId()).isEqualTo("prod");
        assertThat(config.jwtSecretGenerated()).isFalse();
        assertThat(config.jwtSecret()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(config.adminToken()).contains("adm-Q3v9Lx7Pz2Rk8Wm4Tn6Y");
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/peersync"));
        assertThat(config.maxClockOffset()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.effectiveDiscoveryPeerPorts()).containsExactly(8002, 8004, 8006);
        assertThat(config.embeddedPgPort()).isEqualTo(15432);
    }

    @Test
    void port_out_of_range_names_the_variable_the_value_and_the_source() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("P2P_PORT", "70000"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("P2P_PORT (--p2p-port)")
                .hasMessageContaining("1..65535")
                .hasMessageContaining("'70000'")
                .hasMessageContaining("environment");
    }

    @Test
    void non_numeric_interval_is_refused() {
        assertThatThrownBy(() -> load(flags(Setting.SYNC_INTERVAL, "30s"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SYNC_INTERVAL")
                .hasMessageContaining("'30s'")
                .hasMessageContaining("command line");
    }

    @Test
    void zero_interval_is_refused() {
        assertThatThrownBy(() -> load(Map.of(), Map.of(), Map.of("SYNC_INTERVAL", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SYNC_INTERVAL")
                .hasMessageContaining(".env file");
    }

    @Test
    void bad_boolean_is_refused() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("ENABLE_P2P_SYNC", "maybe"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ENABLE_P2P_SYNC")
                .hasMessageContaining("true or false");
    }

    @Test
    void malformed_database_url_is_refused_without_echoing_the_password() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("DATABASE_URL", "mysql://u:hunter2@h/db"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DATABASE_URL")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> load(Map.of(), Map.of("DATABASE_URL", "postgresql://u:p@host:notaport/db"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DATABASE_URL");
        assertThatThrownBy(() -> load(Map.of(), Map.of("DATABASE_URL", "postgresql://u:p@host:5432"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database");
    }

    @Test
    void same_api_and_p2p_port_is_refused() {
        assertThatThrownBy(() -> load(flags(Setting.P2P_PORT, "8000"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("API_PORT")
                .hasMessageContaining("P2P_PORT");
    }

    @Test
    void short_jwt_secret_is_refused_without_echoing_it() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("JWT_SECRET", "tiny"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("JWT_SECRET")
                .hasMessageNotContaining("tiny");
    }

    @Test
    void cluster_secret_shorter_than_32_bytes_is_refused_without_echoing_it() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("CLUSTER_SECRET", "Zr8kWq2nVx5tLp9bHc3mJf7dGs1aYe4"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CLUSTER_SECRET")
                .hasMessageContaining("at least 32 bytes")
                .hasMessageContaining("openssl rand -base64 48")
                .hasMessageNotContaining("Zr8kWq2nVx5tLp9bHc3mJf7dGs1aYe4");
    }

    @Test
    void placeholder_secrets_of_the_example_file_are_refused() {
        // The values .env.example shipped before issue 17: long enough, but known to everyone.
        assertThatThrownBy(() -> load(Map.of(), Map.of("CLUSTER_SECRET", "change-me-to-a-long-random-string"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CLUSTER_SECRET").hasMessageContaining("placeholder");
        assertThatThrownBy(() -> load(Map.of(), Map.of(), Map.of("JWT_SECRET", "change-me-to-another-long-random-string")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("JWT_SECRET").hasMessageContaining("placeholder")
                .hasMessageContaining(".env file");
    }

    @Test
    void secrets_that_are_not_random_are_refused() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("CLUSTER_SECRET", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CLUSTER_SECRET").hasMessageContaining("distinct characters");
    }

    @Test
    void admin_token_shorter_than_24_bytes_is_refused() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("ADMIN_TOKEN", "adm-Q3v9Lx7Pz2Rk8Wm4Tn6"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ADMIN_TOKEN").hasMessageContaining("at least 24 bytes")
                .hasMessageNotContaining("adm-Q3v9Lx7Pz2Rk8Wm4Tn6");
    }

    @Test
    void the_example_file_ships_no_secret_and_starts_in_protected_mode() throws java.io.IOException {
        Map<String, String> example = new java.util.HashMap<>();
        for (String line : java.nio.file.Files.readAllLines(Path.of("..", ".env.example"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                example.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        assertThat(example).containsEntry("CLUSTER_SECRET", "").containsEntry("JWT_SECRET", "")
                .containsEntry("ADMIN_TOKEN", "");

        NodeConfig config = load(Map.of(), Map.of(), example);

        assertThat(config.protectedMode()).isTrue();
        assertThat(config.authMode()).isEqualTo("protected");
    }

    @Test
    void bind_address_and_discovery_interface_are_read_and_checked() {
        NodeConfig config = load(Map.of(), Map.of("BIND_ADDRESS", "127.0.0.1", "DISCOVERY_INTERFACE", "lo"), Map.of());
        assertThat(config.network().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.network().discoveryInterface()).contains("lo");
        assertThat(load(Map.of(), Map.of(), Map.of()).network().bindAddress()).isEqualTo("0.0.0.0");

        assertThatThrownBy(() -> load(Map.of(), Map.of("DISCOVERY_INTERFACE", "no-such-nic0"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DISCOVERY_INTERFACE").hasMessageContaining("interfaces: ");
        assertThatThrownBy(() -> load(flags(Setting.BIND_ADDRESS, "not an address"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BIND_ADDRESS");
    }

    @Test
    void node_name_that_cannot_name_a_directory_is_refused() {
        assertThatThrownBy(() -> load(flags(Setting.NODE_NAME, "../etc"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("NODE_NAME");
    }

    @Test
    void discovery_peer_ports_must_be_ports() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("DISCOVERY_PEER_PORTS", "8002,abc"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DISCOVERY_PEER_PORTS")
                .hasMessageContaining("'abc'");
        assertThat(load(Map.of(), Map.of("DISCOVERY_PEER_PORTS", "9002"), Map.of()).effectiveDiscoveryPeerPorts())
                .isEqualTo(List.of(9002));
    }

    @Test
    void to_string_never_shows_secrets() {
        NodeConfig config = load(Map.of(), Map.of("CLUSTER_SECRET", "cluster-pw-Zr8kWq2nVx5tLp9bHc3mJf7d",
                "JWT_SECRET", "jwt-secret-0123456789-0123456789-xyz",
                "ADMIN_TOKEN", "admin-pw-Q3v9Lx7Pz2Rk8Wm4Tn", "DATABASE_URL", "postgresql://u:db-pw@h:5432/d"), Map.of());

        assertThat(config.toString()).doesNotContain("cluster-pw", "jwt-secret-0123456789-0123456789-xyz", "admin-pw",
                "db-pw");
    }

    @Test
    void tls_files_must_exist_and_come_as_certificate_and_key_together(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Path cert = java.nio.file.Files.writeString(dir.resolve("node.crt"), "-----BEGIN CERTIFICATE-----");
        Path key = java.nio.file.Files.writeString(dir.resolve("node.key"), "-----BEGIN PRIVATE KEY-----");

        NodeConfig config = load(Map.of(), Map.of("P2P_TLS_CERT", cert.toString(), "P2P_TLS_KEY", key.toString()),
                Map.of());

        assertThat(config.network().tls()).hasValueSatisfying(tls -> {
            assertThat(tls.cert()).isEqualTo(cert);
            assertThat(tls.ca()).isEmpty();
        });
        assertThatThrownBy(() -> load(Map.of(), Map.of("P2P_TLS_CERT", cert.toString()), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("P2P_TLS_KEY");
        assertThatThrownBy(() -> load(Map.of(), Map.of("P2P_TLS_CERT", dir.resolve("missing.crt").toString(),
                "P2P_TLS_KEY", key.toString()), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("P2P_TLS_CERT")
                .hasMessageContaining("readable");
        assertThatThrownBy(() -> load(Map.of(), Map.of("P2P_TLS_CA", cert.toString()), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("P2P_TLS_CA");
    }

    @Test
    void cors_origins_must_be_origins() {
        assertThat(load(Map.of(), Map.of("CORS_ORIGINS", "http://10.0.0.5:8000, https://ops.example.com"), Map.of())
                .network().corsOrigins()).containsExactly("http://10.0.0.5:8000", "https://ops.example.com");
        assertThatThrownBy(() -> load(Map.of(), Map.of("CORS_ORIGINS", "*"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CORS_ORIGINS");
    }
}
