package dev.peersync.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peersync.node.config.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeMainTest {
    @TempDir
    Path workDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicReference<NodeConfig> launched = new AtomicReference<>();

    private int run(Map<String, String> env, String... args) {
        return NodeMain.run(args, env, workDir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), launched::set);
    }

    @Test
    void flags_environment_and_dotenv_are_merged_in_that_order() throws IOException {
        Files.writeString(workDir.resolve(".env"), "API_PORT=8020\nP2P_PORT=8005\nNODE_NAME=from-file\n");

        int code = run(Map.of("P2P_PORT", "8003"), "--node-name", "from-flag");

        assertThat(code).isZero();
        assertThat(launched.get().apiPort()).isEqualTo(8020);
        assertThat(launched.get().p2pPort()).isEqualTo(8003);
        assertThat(launched.get().nodeName()).contains("from-flag");
    }

    @Test
    void invalid_value_exits_with_2_naming_the_variable_and_launches_nothing() {
        int code = run(Map.of("SYNC_INTERVAL", "often"));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("SYNC_INTERVAL").contains("often");
        assertThat(launched.get()).isNull();
    }

    @Test
    void unknown_flag_exits_with_2() {
        int code = run(Map.of(), "--no-such-flag");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-such-flag");
        assertThat(launched.get()).isNull();
    }

    @Test
    void help_lists_every_flag_with_its_variable() {
        int code = run(Map.of(), "--help");

        assertThat(code).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        for (dev.peersync.node.config.Setting setting : dev.peersync.node.config.Setting.values()) {
            assertThat(help).contains(setting.flag()).contains(setting.variable());
        }
        assertThat(launched.get()).isNull();
    }

    @Test
    void failing_launch_exits_with_1() {
        int code = NodeMain.run(new String[0], Map.of(), workDir, new PrintStream(out), new PrintStream(err),
                config -> {
                    throw new IllegalStateException("database unreachable",
                            new java.net.ConnectException("Connection refused"));
                });

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("database unreachable")
                .contains("caused by: java.net.ConnectException: Connection refused");
    }
}
