package dev.peersync.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/operations.md is the operator's reference: it must list every setting with its flag and default. */
class OperationsDocTest {

    @Test
    void operations_doc_lists_every_setting_with_flag_and_default() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));

        for (Setting setting : Setting.values()) {
            String defaultCell = setting.defaultValue().isEmpty() ? "(not set)" : "`" + setting.defaultValue() + "`";
            assertThat(doc).contains("| `" + setting.variable() + "` | `" + setting.flag() + "` | " + defaultCell + " |");
        }
    }
}
