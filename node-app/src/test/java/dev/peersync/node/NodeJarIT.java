package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.testing.FreePorts;
import dev.peersync.node.testing.Http;
import dev.peersync.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar ({@code target/node-app.jar}, built by {@code package}) run as a separate process, the way an
 * operator runs it: no DATABASE_URL (embedded PostgreSQL in a temporary DATA_DIR), free ports.
 */
class NodeJarIT {
    private static final Path JAR = Path.of("target", "node-app.jar");

    @TempDir
    Path workDir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process launch(Map<String, String> env, String... args) throws IOException {
        assertThat(JAR).as("run 'package' first: the shaded jar").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("node.log").toFile());
        builder.environment().keySet().removeIf(name -> name.equals("DATABASE_URL") || name.endsWith("_PORT"));
        builder.environment().putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private record Serving(Process process, Http http) {
    }

    /** Launches the jar on free ports and an embedded database, and waits until its API answers. */
    private Serving launchServing(String... args) throws IOException {
        int apiPort = FreePorts.tcp();
        Process node = launch(Map.of("API_PORT", Integer.toString(apiPort),
                "P2P_PORT", Integer.toString(FreePorts.tcp()),
                "DISCOVERY_PORT", Integer.toString(FreePorts.udp()),
                "ENABLE_AUTO_DISCOVERY", "false",
                "DATA_DIR", workDir.resolve("data").toString()), args);
        Http http = new Http(apiPort);
        Await.until("node answering on " + apiPort, Duration.ofSeconds(90), () -> {
            if (!node.isAlive()) {
                throw new IllegalStateException("node exited with " + node.exitValue() + ":\n" + log());
            }
            return http.get("/api/v1/p2p/status").status();
        }, status -> status == 200);
        return new Serving(node, http);
    }

    private String log() throws IOException {
        Path file = workDir.resolve("node.log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Test
    void the_jar_starts_with_an_embedded_database_and_serves_the_guide_flow() throws Exception {
        Serving serving = launchServing();
        Process node = serving.process();
        Http http = serving.http();

        Http.Response registered = http.post("/api/v1/auth/register",
                "{\"username\": \"testuser\", \"email\": \"test@example.com\", \"password\": \"password123\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(http.get("/api/v1/users/").body()).contains("testuser");
        assertThat(http.get("/api/v1/p2p/status").json().get("auth_mode").asText()).isEqualTo("protected");
        assertThat(log()).contains("JWT_SECRET is not set", "CLUSTER_SECRET is not set");

        node.destroy();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        assertThat(log()).contains("stopped");
        try (var dirs = Files.list(workDir.resolve("data"))) {
            assertThat(dirs.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("node-[0-9a-f]{6}"));
        }
    }

    @Test
    void log_level_and_json_format_apply_to_the_whole_log() throws Exception {
        launchServing("--log-level", "debug", "--log-format", "json");

        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : log().lines().filter(l -> l.startsWith("{")).toList()) {
            events.add(mapper.readTree(line)); // every JSON line parses
        }
        assertThat(events).as(log()).hasSizeGreaterThan(5);
        assertThat(events).extracting(e -> e.path("level").asText()).contains("DEBUG", "INFO", "WARN");
        assertThat(events).anySatisfy(e -> assertThat(e.path("formattedMessage").asText()).contains("CLUSTER_SECRET is not set"));
        assertThat(events).allSatisfy(e -> assertThat(e.has("timestamp") && e.has("loggerName")).isTrue());
        assertThat(log().lines().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT.* (INFO|DEBUG|WARN) .*")))
                .as("no text lines once the settings are applied").isEmpty();
    }

    @Test
    void the_jar_carries_postgresql_for_linux_on_x86_64_and_arm64_and_for_macos_and_not_for_windows() throws Exception {
        java.util.List<String> archives;
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(JAR.toFile())) {
            archives = jar.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.startsWith("postgres-"))
                    .sorted().toList();
        }
        // The macOS archive's binaries are universal (x86_64 + arm64): zonky uses it on Apple Silicon too.
        assertThat(archives).containsExactly("postgres-darwin-x86_64.txz", "postgres-linux-arm_64.txz",
                "postgres-linux-x86_64.txz");
        System.out.printf("node-app.jar: %.1f MB%n", Files.size(JAR) / 1_000_000.0);
    }

    @Test
    void an_invalid_setting_exits_with_2_naming_it() throws Exception {
        Process node = launch(Map.of("SYNC_INTERVAL", "soon"));

        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).isEqualTo(2);
        assertThat(log()).contains("SYNC_INTERVAL");
    }
}
