package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The container files keep their promises: the image and the compose nodes have a healthcheck on {@code /ready}; the
 * compose PostgreSQL servers publish no port and take their password from the env file (no fixed password).
 */
class PackagingTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void the_image_checks_readiness() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK .*").contains("GET /ready");
    }

    @Test
    void compose_publishes_no_database_port_and_reads_passwords_from_the_env_file() throws IOException {
        String compose = Files.readString(ROOT.resolve("docker-compose.p2p.yml"));
        assertThat(compose).doesNotContain(":5432\"]").doesNotContainPattern("\"543\\d:");
        assertThat(compose).contains("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?");
        assertThat(compose).doesNotContainPattern("POSTGRES_PASSWORD: [a-z]");
        assertThat(compose).doesNotContain("peersync:peersync@");
        assertThat(compose).contains("healthcheck:").contains("GET /ready");
        assertThat(Files.readString(ROOT.resolve(".env.example"))).contains("POSTGRES_PASSWORD=\n");
    }
}
