package dev.peersync.node.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the node's name when NODE_NAME is not set, so that it is generated once and then stays.
 *
 * <p>With an external database the name is kept in the database ({@link NodeSettings}). With the embedded
 * database the name also picks the data directory ({@code DATA_DIR/<name>/pg}), so it must be known before the
 * database runs: it is remembered in {@code DATA_DIR/node-<API_PORT>.name}. Keying by the API port lets the
 * guide's three local nodes (8000/8010/8020) share one DATA_DIR and still each find their own database.
 */
public final class NodeNames {
    private static final Logger log = LoggerFactory.getLogger(NodeNames.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeNames() {
    }

    /** {@code node-} and six random hex digits. */
    public static String generate() {
        return "node-%06x".formatted(RANDOM.nextInt(1 << 24));
    }

    /** The name remembered for the embedded database of the node on {@code apiPort}, generated and saved if new. */
    public static String forEmbedded(Path dataDir, int apiPort) {
        Path file = dataDir.resolve("node-" + apiPort + ".name");
        try {
            if (Files.exists(file)) {
                String name = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            String name = generate();
            Files.createDirectories(dataDir);
            Files.writeString(file, name + "\n", StandardCharsets.UTF_8);
            log.info("Generated node name {} (kept in {}; set NODE_NAME to choose one)", name, file);
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or write the node name file " + file + ": "
                    + e.getMessage() + ". Check DATA_DIR and its permissions, or set NODE_NAME.", e);
        }
    }

    /**
     * Reconciles the name with the database: a configured name is stored (an operator may rename a node);
     * without one, the stored name is used, or {@code fallback} is stored and used.
     */
    public static String reconcile(NodeSettings settings, Optional<String> configured, String fallback) {
        Optional<String> stored = settings.get(NodeSettings.NODE_NAME);
        String name = configured.orElseGet(() -> stored.orElse(fallback));
        if (stored.isEmpty() || !stored.get().equals(name)) {
            settings.put(NodeSettings.NODE_NAME, name);
        }
        return name;
    }
}
