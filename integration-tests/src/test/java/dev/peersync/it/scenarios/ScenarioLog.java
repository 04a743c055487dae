package dev.peersync.it.scenarios;

import dev.peersync.it.check.Convergence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reports each scenario's convergence time after its last fault: on stdout and in target/convergence-times.txt. */
final class ScenarioLog {
    private static final Path FILE = Path.of(System.getProperty("peersync.nodes.dir", "target/nodes"))
            .resolveSibling("convergence-times.txt");

    private ScenarioLog() {
    }

    static void converged(String scenario, Convergence convergence) {
        String line = String.format("%-60s converged %6d ms after the last fault; %d rows per node%n", scenario,
                convergence.elapsed().toMillis(), convergence.data().totalRows());
        System.out.print("[convergence] " + line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + FILE, e);
        }
    }
}
