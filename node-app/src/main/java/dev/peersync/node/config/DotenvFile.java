package dev.peersync.node.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Reads the {@code .env} file of a directory with dotenv-java; a missing file gives no entries. */
public final class DotenvFile {
    private DotenvFile() {
    }

    /** Entries declared in {@code directory/.env} only (dotenv-java would otherwise mix in the environment). */
    public static Map<String, String> read(Path directory) {
        try {
            Dotenv dotenv = Dotenv.configure().directory(directory.toString()).ignoreIfMissing().load();
            Map<String, String> entries = new HashMap<>();
            for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                entries.put(entry.getKey(), entry.getValue());
            }
            return entries;
        } catch (DotenvException e) {
            throw new ConfigException("The .env file in " + directory + " could not be read: " + e.getMessage()
                    + ". Fix or remove it (lines are KEY=value).", e);
        }
    }
}
